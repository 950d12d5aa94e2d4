package dev.berth.build.dockerfile;

import dev.berth.build.BuildException;
import dev.berth.build.dockerfile.Instruction.CopySpec;
import dev.berth.build.dockerfile.Instruction.Heredoc;
import dev.berth.build.dockerfile.Instruction.KeyValue;
import dev.berth.build.dockerfile.Instruction.RunMount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Substitutes variables ({@code $VAR}, {@code ${VAR}}, {@code ${VAR:-word}}, {@code ${VAR:+word}}, {@code ${VAR-word}},
 * {@code ${VAR+word}}, {@code ${VAR:?message}}, {@code ${VAR?message}}, and the pattern forms {@code ${VAR#glob}},
 * {@code ${VAR##glob}}, {@code ${VAR%glob}}, {@code ${VAR%%glob}}, {@code ${VAR/glob/replacement}},
 * {@code ${VAR//glob/replacement}}) and removes quotes, with the Dockerfile
 * reference's rules: single quotes keep everything literal, double quotes substitute but keep whitespace, the
 * escape character makes the next character literal ({@code \$VAR} stays {@code $VAR}); inside double quotes it
 * escapes only {@code "}, {@code $} and itself.
 */
public final class Expander {
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}(-[0-9]{1,5})?(/[A-Za-z]+)?");

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

    /**
     * The instruction with its words substituted, per instruction as the reference says: ADD, COPY (sources,
     * destination, flag values, heredoc bodies with an unquoted delimiter), ENV and LABEL (keys and values), EXPOSE,
     * FROM (image, --platform), STOPSIGNAL, USER, VOLUME, WORKDIR, ARG defaults and RUN --mount values. Others come
     * back as they are. Every word is substituted with the same lookup, so {@code ENV a=1 b=$a} sees the value
     * {@code a} had before the instruction.
     *
     * @throws BuildException on a bad substitution, an unterminated quote, or a value that is invalid once
     *     substituted (an empty path, a bad port, a bad --chmod)
     */
    public Instruction expand(Instruction instruction) {
        SourcePosition at = instruction.position();
        return switch (instruction) {
            case Instruction.From f -> new Instruction.From(at, f.source(), nonEmpty(word(f.image(), at), "FROM image",
                    at), f.stageName(), f.platform() == null ? null : word(f.platform(), at));
            case Instruction.Run r -> new Instruction.Run(at, r.source(), r.command(),
                    r.mounts().stream().map(m -> mount(m, at)).toList(), r.network(), r.security(), r.heredocs());
            case Instruction.Label l -> new Instruction.Label(at, l.source(), pairs(l.pairs(), at));
            case Instruction.Env e -> new Instruction.Env(at, e.source(), pairs(e.pairs(), at));
            case Instruction.Expose e -> new Instruction.Expose(at, e.source(), ports(e.ports(), at));
            case Instruction.Add a -> new Instruction.Add(at, a.source(), spec(a.spec(), "ADD", at),
                    a.checksum() == null ? null : checksum(word(a.checksum(), at), at), a.keepGitDir());
            case Instruction.Copy c -> new Instruction.Copy(at, c.source(), spec(c.spec(), "COPY", at),
                    c.from() == null ? null : nonEmpty(word(c.from(), at), "COPY --from", at));
            case Instruction.Volume v -> new Instruction.Volume(at, v.source(),
                    v.paths().stream().map(p -> nonEmpty(word(p, at), "VOLUME path", at)).toList());
            case Instruction.User u -> new Instruction.User(at, u.source(), nonEmpty(word(u.user(), at), "USER", at));
            case Instruction.Workdir w -> new Instruction.Workdir(at, w.source(),
                    nonEmpty(word(w.path(), at), "WORKDIR", at));
            case Instruction.Stopsignal s -> new Instruction.Stopsignal(at, s.source(),
                    signal(word(s.signal(), at), at));
            case Instruction.Arg a -> new Instruction.Arg(at, a.source(), a.declarations().stream()
                    .map(d -> new Instruction.ArgDeclaration(d.name(),
                            d.defaultValue() == null ? null : word(d.defaultValue(), at)))
                    .toList());
            case Instruction.Cmd c -> c;
            case Instruction.Entrypoint e -> e;
            case Instruction.Maintainer m -> m;
            case Instruction.Onbuild o -> o;
            case Instruction.Healthcheck h -> h;
            case Instruction.Shell s -> s;
        };
    }

    /** One word substituted and unquoted; whitespace in it (quoted or not) is kept. */
    public String word(String raw, SourcePosition at) {
        Lexer lexer = new Lexer(raw, at, false, false);
        lexer.run("");
        return lexer.single();
    }

    /** Text split into words at unquoted whitespace, each substituted and unquoted (EXPOSE, VOLUME, COPY sources). */
    public List<String> words(String raw, SourcePosition at) {
        Lexer lexer = new Lexer(raw, at, true, false);
        lexer.run("");
        return lexer.words();
    }

    /**
     * A heredoc body with an unquoted delimiter, substituted: {@code $VAR} and {@code ${…}} are replaced and an
     * escaped {@code $} stays literal; quotes and other characters are kept as written.
     */
    public String heredoc(String body, SourcePosition at) {
        Lexer lexer = new Lexer(body, at, false, true);
        lexer.run("");
        return lexer.single();
    }

    private static String nonEmpty(String value, String what, SourcePosition at) {
        if (value.isEmpty()) {
            throw new BuildException(at + ": " + what + " is empty after substitution");
        }
        return value;
    }

    private List<KeyValue> pairs(List<KeyValue> pairs, SourcePosition at) {
        List<KeyValue> out = new ArrayList<>();
        for (KeyValue kv : pairs) {
            out.add(new KeyValue(nonEmpty(word(kv.key(), at), "a name", at), word(kv.value(), at)));
        }
        return out;
    }

    private List<String> ports(List<String> raw, SourcePosition at) {
        List<String> out = new ArrayList<>();
        for (String r : raw) {
            for (String p : words(r, at)) {
                if (!PORT.matcher(p).matches()) {
                    throw new BuildException(at + ": EXPOSE " + p
                            + ": expected a port or range with an optional protocol (80, 8000-8010, 53/udp)");
                }
                out.add(p);
            }
        }
        return out;
    }

    private static String signal(String s, SourcePosition at) {
        if (!s.matches("[0-9]{1,2}|(SIG)?[A-Z][A-Z0-9]*([+-][0-9]{1,2})?")) {
            throw new BuildException(at + ": STOPSIGNAL " + s + ": expected a signal name (SIGTERM) or number (15)");
        }
        return s;
    }

    private static String checksum(String s, SourcePosition at) {
        if (!s.matches("sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128}")) {
            throw new BuildException(at + ": ADD --checksum=" + s
                    + ": expected a digest like sha256:<64 lower-case hex digits>");
        }
        return s;
    }

    private RunMount mount(RunMount m, SourcePosition at) {
        String type = word(m.type(), at);
        String target = m.target() == null ? null : word(m.target(), at);
        Map<String, String> options = new LinkedHashMap<>();
        m.options().forEach((k, v) -> options.put(k, word(v, at)));
        InstructionParser.checkMount(type, target, options, at);
        return new RunMount(type, target, options);
    }

    private CopySpec spec(CopySpec s, String keyword, SourcePosition at) {
        List<String> sources = s.sources().stream().map(w -> nonEmpty(word(w, at), keyword + " source", at)).toList();
        String chmod = s.chmod() == null ? null : word(s.chmod(), at);
        if (chmod != null) {
            FileMode.parse(chmod, keyword, at);
        }
        List<Heredoc> heredocs = s.heredocs().stream()
                .map(h -> h.expand() ? new Heredoc(h.name(), heredoc(h.content(), at), true, h.chompTabs()) : h)
                .toList();
        return new CopySpec(sources, nonEmpty(word(s.destination(), at), keyword + " destination", at),
                s.chown() == null ? null : nonEmpty(word(s.chown(), at), keyword + " --chown", at), chmod, s.link(),
                s.parents(), s.excludes().stream().map(w -> word(w, at)).toList(), heredocs);
    }

    /** One pass over a text: substitutes, removes quotes and (when splitting) cuts words. */
    private final class Lexer {
        private final String s;
        private final SourcePosition at;
        private final boolean split;
        private final boolean heredoc;
        private final List<String> words = new ArrayList<>();
        private final StringBuilder current = new StringBuilder();
        private boolean started;
        private boolean dry;
        private int i;

        Lexer(String s, SourcePosition at, boolean split, boolean heredoc) {
            this.s = s;
            this.at = at;
            this.split = split;
            this.heredoc = heredoc;
        }

        String single() {
            return current.toString();
        }

        List<String> words() {
            endWord();
            return words;
        }

        private BuildException error(String message) {
            return new BuildException(at + ": " + message + " in " + s);
        }

        private void endWord() {
            if (started || !current.isEmpty()) {
                words.add(current.toString());
            }
            current.setLength(0);
            started = false;
        }

        private void literal(char c) {
            current.append(c);
            started = true;
        }

        /** Appends a substitution's result: unquoted whitespace in it separates words when splitting. */
        private void expansion(String value, boolean quoted) {
            if (!split || quoted) {
                current.append(value);
                started |= quoted;
                return;
            }
            for (int k = 0; k < value.length(); k++) {
                char c = value.charAt(k);
                if (RawWords.isSpace(c)) {
                    endWord();
                } else {
                    literal(c);
                }
            }
        }

        /**
         * Processes up to an unquoted character of {@code stops} (consumed and returned), or to the end (-1) when
         * {@code stops} is empty.
         */
        int run(String stops) {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (stops.indexOf(c) >= 0) {
                    i++;
                    return c;
                }
                if (heredoc) {
                    if (c == escape && i + 1 < s.length() && s.charAt(i + 1) == '$') {
                        literal('$');
                        i += 2;
                    } else if (c == '$') {
                        expansion(dollar(), true);
                    } else {
                        literal(c);
                        i++;
                    }
                } else if (c == escape) {
                    i++;
                    if (i < s.length()) {
                        literal(s.charAt(i++));
                    } else {
                        literal(c);
                    }
                } else if (c == '\'') {
                    int close = s.indexOf('\'', i + 1);
                    if (close < 0) {
                        throw error("unterminated single quote");
                    }
                    current.append(s, i + 1, close);
                    started = true;
                    i = close + 1;
                } else if (c == '"') {
                    doubleQuoted();
                } else if (c == '$') {
                    expansion(dollar(), false);
                } else if (split && RawWords.isSpace(c)) {
                    endWord();
                    i++;
                } else {
                    literal(c);
                    i++;
                }
            }
            if (!stops.isEmpty()) {
                throw error("missing '}'");
            }
            return -1;
        }

        private void doubleQuoted() {
            started = true;
            i++;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '"') {
                    i++;
                    return;
                }
                if (c == escape && i + 1 < s.length()
                        && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '$' || s.charAt(i + 1) == escape)) {
                    current.append(s.charAt(i + 1));
                    i += 2;
                } else if (c == '$') {
                    expansion(dollar(), true);
                } else {
                    current.append(c);
                    i++;
                }
            }
            throw error("unterminated double quote");
        }

        /** Reads a {@code $…} reference at {@code i} and returns its value ({@code $} alone stays {@code $}). */
        private String dollar() {
            i++;
            if (i >= s.length()) {
                return "$";
            }
            char c = s.charAt(i);
            if (c != '{') {
                if (!isNameStart(c)) {
                    return "$";
                }
                int start = i;
                while (i < s.length() && isNamePart(s.charAt(i))) {
                    i++;
                }
                String v = lookup.apply(s.substring(start, i));
                return v == null ? "" : v;
            }
            i++;
            int start = i;
            while (i < s.length() && isNamePart(s.charAt(i))) {
                i++;
            }
            String name = s.substring(start, i);
            if (name.isEmpty() || !isNameStart(name.charAt(0))) {
                throw error("bad substitution ${" + s.substring(start, Math.min(s.length(), i + 1))
                        + " (expected a variable name after ${)");
            }
            if (i >= s.length()) {
                throw error("missing '}' after ${" + name);
            }
            char op = s.charAt(i);
            if (op == '}') {
                i++;
                String v = lookup.apply(name);
                return v == null ? "" : v;
            }
            boolean colon = op == ':';
            if (colon) {
                i++;
                op = i < s.length() ? s.charAt(i) : 0;
            }
            if (!colon && (op == '#' || op == '%' || op == '/')) {
                return trim(name, op);
            }
            if (op != '-' && op != '+' && op != '?') {
                throw error("bad substitution ${" + name + (colon ? ":" : "") + (op == 0 ? "" : String.valueOf(op))
                        + "…} (expected }, :-, :+, :?, -, +, ?, #, %, or /)");
            }
            i++;
            String value = lookup.apply(name);
            boolean set = value != null && (!colon || !value.isEmpty());
            boolean needWord = switch (op) {
                case '-' -> !set;
                case '+' -> set;
                default -> !set;
            };
            String w = modifierWord(needWord);
            return switch (op) {
                case '-' -> set ? value : w;
                case '+' -> set ? w : "";
                default -> {
                    if (!set && !dry) {
                        String why = w.isEmpty() ? (value == null ? "is not set" : "is empty") : w;
                        throw new BuildException(at + ": " + name + ": " + why);
                    }
                    yield set ? value : "";
                }
            };
        }

        /** The word of {@code ${name:-word}} up to the closing brace; substituted only when it is used. */
        private String modifierWord(boolean used) {
            Lexer inner = new Lexer(s, at, false, heredoc);
            inner.i = i;
            inner.dry = dry || !used;
            inner.run("}");
            i = inner.i;
            return inner.single();
        }

        /**
         * {@code ${name#glob}}, {@code ##}, {@code %}, {@code %%} (shortest / longest prefix / suffix removed) and
         * {@code ${name/glob/replacement}}, {@code //} (first / every longest match replaced); {@code i} is at the
         * operator.
         */
        private String trim(String name, char op) {
            i++;
            boolean doubled = i < s.length() && s.charAt(i) == op;
            if (doubled) {
                i++;
            }
            String value = lookup.apply(name);
            value = value == null ? "" : value;
            Lexer inner = new Lexer(s, at, false, heredoc);
            inner.i = i;
            inner.dry = dry;
            int stoppedAt = inner.run(op == '/' ? "/}" : "}");
            Pattern glob = Pattern.compile(globRegex(inner.single()), Pattern.DOTALL);
            String replacement = "";
            if (stoppedAt == '/') {
                Lexer rep = new Lexer(s, at, false, heredoc);
                rep.i = inner.i;
                rep.dry = dry;
                rep.run("}");
                replacement = rep.single();
                i = rep.i;
            } else {
                i = inner.i;
            }
            int n = value.length();
            switch (op) {
                case '#' -> {
                    for (int k = doubled ? n : 0; doubled ? k >= 0 : k <= n; k += doubled ? -1 : 1) {
                        if (glob.matcher(value.substring(0, k)).matches()) {
                            return value.substring(k);
                        }
                    }
                    return value;
                }
                case '%' -> {
                    for (int k = doubled ? 0 : n; doubled ? k <= n : k >= 0; k += doubled ? 1 : -1) {
                        if (glob.matcher(value.substring(k)).matches()) {
                            return value.substring(0, k);
                        }
                    }
                    return value;
                }
                default -> {
                    StringBuilder out = new StringBuilder();
                    int k = 0;
                    boolean replaced = false;
                    while (k <= n) {
                        int end = -1;
                        if (!replaced || doubled) {
                            for (int j = n; j > k; j--) {
                                if (glob.matcher(value.substring(k, j)).matches()) {
                                    end = j;
                                    break;
                                }
                            }
                        }
                        if (end > 0) {
                            out.append(replacement);
                            k = end;
                            replaced = true;
                        } else {
                            if (k < n) {
                                out.append(value.charAt(k));
                            }
                            k++;
                        }
                    }
                    return out.toString();
                }
            }
        }
    }

    /** A shell glob ({@code *}, {@code ?}, {@code [...]}, {@code \\x}) as a regular expression. */
    private static String globRegex(String glob) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < glob.length(); k++) {
            char c = glob.charAt(k);
            if (c == '*') {
                b.append(".*");
            } else if (c == '?') {
                b.append('.');
            } else if (c == '\\' && k + 1 < glob.length()) {
                b.append(Pattern.quote(String.valueOf(glob.charAt(++k))));
            } else if (c == '[' && glob.indexOf(']', k + 2) > 0) {
                int close = glob.indexOf(']', k + 2);
                String body = glob.substring(k + 1, close);
                b.append('[');
                if (body.startsWith("!") || body.startsWith("^")) {
                    b.append('^');
                    body = body.substring(1);
                }
                for (char m : body.toCharArray()) {
                    b.append(m == '-' || Character.isLetterOrDigit(m) ? String.valueOf(m) : "\\" + m);
                }
                b.append(']');
                k = close;
            } else {
                b.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return b.toString();
    }

    private static boolean isNameStart(char c) {
        return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }
}
