package dev.berth.build.dockerfile;

import dev.berth.build.BuildException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --name=value} flags that come before an instruction's arguments. Values stay as written (ADD, COPY and
 * RUN --mount values are substituted later by {@link Expander}).
 */
final class Flags {
    enum Kind { STRING, BOOL, LIST }

    /** One flag as given, with where it was written. */
    record Given(String name, String value, SourcePosition position) {
    }

    private final Map<String, List<Given>> given;
    private final int end;

    private Flags(Map<String, List<Given>> given, int end) {
        this.given = given;
        this.end = end;
    }

    /** Where the arguments after the flags start in the line. */
    int end() {
        return end;
    }

    boolean isEmpty() {
        return given.isEmpty();
    }

    /**
     * Reads the flags at {@code from}; {@code allowed} maps each flag this instruction takes to its kind (in the
     * order error messages list them). A lone {@code --} ends the flags.
     */
    static Flags read(LogicalLine line, int from, String keyword, Map<String, Kind> allowed, char escape) {
        String s = line.text();
        Map<String, List<Given>> given = new LinkedHashMap<>();
        int i = from;
        while (true) {
            while (i < s.length() && RawWords.isSpace(s.charAt(i))) {
                i++;
            }
            if (!s.startsWith("--", i)) {
                return new Flags(given, i);
            }
            int end = RawWords.wordEnd(line, i, escape);
            String word = s.substring(i, end);
            SourcePosition at = line.at(i);
            if (word.equals("--")) {
                return new Flags(given, end);
            }
            int eq = word.indexOf('=');
            String name = (eq < 0 ? word.substring(2) : word.substring(2, eq)).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : word.substring(eq + 1);
            Kind kind = allowed.get(name);
            if (kind == null) {
                String which = allowed.isEmpty() ? keyword + " takes no flags"
                        : "allowed: " + String.join(", ", allowed.keySet().stream().map(n -> "--" + n).toList());
                throw new BuildException(at + ": unknown flag --" + name + " for " + keyword + " (" + which + ")");
            }
            switch (kind) {
                case BOOL -> {
                    if (value == null) {
                        value = "true";
                    } else if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                        throw new BuildException(at + ": " + keyword + " --" + name + "=" + value
                                + ": expected true or false");
                    }
                }
                case STRING, LIST -> {
                    if (value == null || value.isEmpty()) {
                        throw new BuildException(at + ": " + keyword + " --" + name + " needs a value (--" + name
                                + "=…)");
                    }
                }
            }
            List<Given> values = given.computeIfAbsent(name, n -> new ArrayList<>());
            if (kind != Kind.LIST && !values.isEmpty()) {
                throw new BuildException(at + ": " + keyword + " --" + name + " given twice (first at "
                        + values.getFirst().position() + ")");
            }
            values.add(new Given(name, value, at));
            i = end;
        }
    }

    /** The value of a string flag, or null. */
    String string(String name) {
        List<Given> v = given.get(name);
        return v == null ? null : v.getFirst().value();
    }

    Given one(String name) {
        List<Given> v = given.get(name);
        return v == null ? null : v.getFirst();
    }

    boolean bool(String name) {
        String v = string(name);
        return v != null && v.equalsIgnoreCase("true");
    }

    List<Given> all(String name) {
        return given.getOrDefault(name, List.of());
    }
}
