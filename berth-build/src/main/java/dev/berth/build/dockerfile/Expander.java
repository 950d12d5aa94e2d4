package dev.berth.build.dockerfile;

import java.util.List;
import java.util.function.Function;

/**
 * Substitutes variables ({@code $VAR}, {@code ${VAR}}, {@code ${VAR:-word}}, {@code ${VAR:+word}}, {@code ${VAR-word}},
 * {@code ${VAR+word}}) and removes quotes, with the Dockerfile reference's rules.
 */
public final class Expander {
    private final char escape;
    private final Function<String, String> lookup;

    /**
     * @param escape the Dockerfile's escape character
     * @param lookup a variable's value, or null when it is not set
     */
    public Expander(char escape, Function<String, String> lookup) {
        this.escape = escape;
        this.lookup = lookup;
    }

    /** The instruction with its words substituted, per instruction as the reference says; others come back as is. */
    public Instruction expand(Instruction instruction) {
        throw new UnsupportedOperationException("the expander is being written");
    }

    /** One word substituted and unquoted. */
    public String word(String raw, SourcePosition at) {
        throw new UnsupportedOperationException("the expander is being written");
    }

    /** Text split into words at unquoted whitespace, each substituted and unquoted (EXPOSE, VOLUME, COPY sources). */
    public List<String> words(String raw, SourcePosition at) {
        throw new UnsupportedOperationException("the expander is being written");
    }
}
