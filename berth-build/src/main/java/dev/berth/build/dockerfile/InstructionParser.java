package dev.berth.build.dockerfile;

import dev.berth.build.BuildException;
import dev.berth.build.dockerfile.Flags.Kind;
import dev.berth.build.dockerfile.Instruction.ArgDeclaration;
import dev.berth.build.dockerfile.Instruction.Command;
import dev.berth.build.dockerfile.Instruction.CopySpec;
import dev.berth.build.dockerfile.Instruction.Heredoc;
import dev.berth.build.dockerfile.Instruction.KeyValue;
import dev.berth.build.dockerfile.Instruction.RunMount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns one logical line (keyword and arguments) into its {@link Instruction}. */
final class InstructionParser {
    static final List<String> KEYWORDS = List.of("FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD",
            "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL");
    private static final Pattern STAGE_NAME = Pattern.compile("[a-z][a-z0-9\\-_.]*");
    private static final Set<String> MOUNT_TYPES = Set.of("bind", "cache", "tmpfs", "secret", "ssh");

    /** Reads the body of a heredoc whose marker is in the instruction just read. */
    interface Bodies {
        Heredoc read(HeredocMarker marker, LogicalLine line);
    }

    private final LogicalLine line;
    private final char escape;
    private final Bodies bodies;
    private final String keyword;
    private final SourcePosition position;
    private final String source;
    private final int argsStart;

    private InstructionParser(LogicalLine line, char escape, Bodies bodies) {
        this.line = line;
        this.escape = escape;
        this.bodies = bodies;
        String s = line.text();
        int start = 0;
        while (start < s.length() && RawWords.isSpace(s.charAt(start))) {
            start++;
        }
        int end = start;
        while (end < s.length() && !RawWords.isSpace(s.charAt(end))) {
            end++;
        }
        this.position = line.at(start);
        String word = s.substring(start, end);
        this.keyword = word.toUpperCase(Locale.ROOT);
        if (!KEYWORDS.contains(keyword)) {
            throw new BuildException(position + ": unknown instruction " + word + suggestion(keyword));
        }
        this.source = s.substring(start).strip();
        this.argsStart = end;
    }

    /** The instruction on {@code line}; {@code bodies} supplies heredoc bodies (RUN, COPY, ADD). */
    static Instruction parse(LogicalLine line, char escape, Bodies bodies) {
        return new InstructionParser(line, escape, bodies).instruction();
    }

    /** The keyword {@code line} starts with, upper case, checked to be a known instruction. */
    static String keyword(LogicalLine line) {
        return new InstructionParser(line, '\\', null).keyword;
    }

    private static String suggestion(String word) {
        String best = null;
        int bestDistance = 3;
        for (String k : KEYWORDS) {
            int d = distance(word, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best == null ? " (expected one of " + String.join(", ", KEYWORDS) + ")" : " (did you mean " + best + "?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private BuildException error(int offset, String message) {
        return new BuildException(line.at(offset) + ": " + message);
    }

    private BuildException error(String message) {
        return new BuildException(position + ": " + message);
    }

    private Flags flags(Map<String, Kind> allowed) {
        return Flags.read(line, argsStart, keyword, allowed, escape);
    }

    private static Map<String, Kind> allowed(Object... nameKind) {
        Map<String, Kind> m = new LinkedHashMap<>();
        for (int i = 0; i < nameKind.length; i += 2) {
            m.put((String) nameKind[i], (Kind) nameKind[i + 1]);
        }
        return m;
    }

    private String rest(int from) {
        return line.text().substring(from).strip();
    }

    private Instruction instruction() {
        return switch (keyword) {
            case "FROM" -> from();
            case "RUN" -> run();
            case "CMD" -> new Instruction.Cmd(position, source, command(flags(Map.of()).end(), false));
            case "ENTRYPOINT" -> new Instruction.Entrypoint(position, source, command(flags(Map.of()).end(), false));
            case "SHELL" -> shell();
            case "LABEL" -> new Instruction.Label(position, source, pairs(flags(Map.of()).end()));
            case "ENV" -> new Instruction.Env(position, source, pairs(flags(Map.of()).end()));
            case "MAINTAINER" -> new Instruction.Maintainer(position, source, single(flags(Map.of()).end()));
            case "USER" -> new Instruction.User(position, source, single(flags(Map.of()).end()));
            case "WORKDIR" -> new Instruction.Workdir(position, source, single(flags(Map.of()).end()));
            case "STOPSIGNAL" -> new Instruction.Stopsignal(position, source, single(flags(Map.of()).end()));
            case "EXPOSE" -> expose();
            case "VOLUME" -> volume();
            case "ADD" -> add();
            case "COPY" -> copy();
            case "ARG" -> arg();
            case "ONBUILD" -> onbuild();
            case "HEALTHCHECK" -> healthcheck();
            default -> throw error("unknown instruction " + keyword);
        };
    }

    private Instruction from() {
        Flags flags = flags(allowed("platform", Kind.STRING));
        List<RawWords.Word> words = RawWords.split(line, flags.end(), escape);
        String stageName = null;
        if (words.size() == 3 && words.get(1).text().equalsIgnoreCase("AS")) {
            RawWords.Word name = words.get(2);
            stageName = name.text().toLowerCase(Locale.ROOT);
            if (!STAGE_NAME.matcher(stageName).matches()) {
                throw error(name.offset(), "invalid stage name \"" + name.text()
                        + "\": a name starts with a letter and holds only letters, digits, '-', '_' and '.'");
            }
        } else if (words.isEmpty()) {
            throw error("FROM needs an image (FROM [--platform=P] image [AS name])");
        } else if (words.size() != 1) {
            throw error(words.get(1).offset(),
                    "FROM expects an image and optionally AS name (FROM [--platform=P] image [AS name]), found "
                    + rest(words.get(1).offset()));
        }
        return new Instruction.From(position, source, words.getFirst().text(), stageName, flags.string("platform"));
    }

    private Instruction run() {
        Flags flags = flags(allowed("mount", Kind.LIST, "network", Kind.STRING, "security", Kind.STRING));
        List<RunMount> mounts = new ArrayList<>();
        for (Flags.Given g : flags.all("mount")) {
            mounts.add(mount(g));
        }
        String network = flags.string("network");
        if (network != null && !Set.of("default", "none", "host").contains(network)) {
            throw new BuildException(flags.one("network").position() + ": RUN --network=" + network
                    + ": expected default, none or host");
        }
        String security = flags.string("security");
        if (security != null && !Set.of("sandbox", "insecure").contains(security)) {
            throw new BuildException(flags.one("security").position() + ": RUN --security=" + security
                    + ": expected sandbox or insecure");
        }
        Command command = command(flags.end(), false);
        List<Heredoc> heredocs = new ArrayList<>();
        if (command instanceof Command.ShellForm) {
            for (HeredocMarker m : HeredocMarker.find(line, flags.end(), escape, false)) {
                heredocs.add(bodies.read(m, line));
            }
        }
        return new Instruction.Run(position, source, command, mounts, network, security, heredocs);
    }

    private RunMount mount(Flags.Given g) {
        String type = "bind";
        String target = null;
        Map<String, String> options = new LinkedHashMap<>();
        for (String field : csv(g)) {
            int eq = field.indexOf('=');
            String key = (eq < 0 ? field : field.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : field.substring(eq + 1);
            if (key.isEmpty()) {
                throw new BuildException(g.position() + ": RUN --mount=" + g.value() + ": an empty option");
            }
            String canonical = switch (key) {
                case "target", "dst", "destination" -> "target";
                case "source", "src" -> "source";
                case "readonly", "ro" -> "readonly";
                case "rw", "readwrite" -> "rw";
                default -> key;
            };
            if (!Set.of("type", "target", "source", "from", "id", "readonly", "rw", "sharing", "mode", "uid", "gid",
                    "size", "required", "env").contains(canonical)) {
                throw new BuildException(g.position() + ": RUN --mount: unknown option " + key
                        + " (expected type, target, source, from, id, readonly, rw, sharing, mode, uid, gid, size,"
                        + " required or env)");
            }
            if (value == null && !Set.of("readonly", "rw", "required").contains(canonical)) {
                throw new BuildException(g.position() + ": RUN --mount: option " + key + " needs a value (" + key
                        + "=…)");
            }
            if (canonical.equals("type")) {
                type = value;
            } else if (canonical.equals("target")) {
                target = value;
            } else {
                options.put(canonical, value == null ? "true" : value);
            }
        }
        checkMount(type, target, options, g.position());
        return new RunMount(type, target, options);
    }

    /** The rules a mount must meet, checked once substituted (and at parse time when nothing needs substituting). */
    static void checkMount(String type, String target, Map<String, String> options, SourcePosition at) {
        if (type.contains("$")) {
            return;
        }
        if (!MOUNT_TYPES.contains(type)) {
            throw new BuildException(at + ": RUN --mount type=" + type
                    + ": expected bind, cache, tmpfs, secret or ssh");
        }
        if (target == null && Set.of("bind", "cache", "tmpfs").contains(type)) {
            throw new BuildException(at + ": RUN --mount type=" + type + " needs a target (target=/path)");
        }
        String sharing = options.get("sharing");
        if (sharing != null && !sharing.contains("$") && !Set.of("shared", "private", "locked").contains(sharing)) {
            throw new BuildException(at + ": RUN --mount sharing=" + sharing + ": expected shared, private or locked");
        }
        for (String flag : List.of("readonly", "rw", "required")) {
            String v = options.get(flag);
            if (v != null && !v.contains("$") && !v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                throw new BuildException(at + ": RUN --mount " + flag + "=" + v + ": expected true or false");
            }
        }
    }

    /** The comma-separated fields of a --mount value; commas inside quotes do not separate (quotes stay). */
    private List<String> csv(Flags.Given g) {
        List<String> out = new ArrayList<>();
        String v = g.value();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        if (quote != 0) {
            throw new BuildException(g.position() + ": RUN --mount=" + v + ": unterminated quote");
        }
        out.add(cur.toString());
        return out;
    }

    /** Exec form when the arguments are a JSON array of strings, shell form otherwise. */
    private Command command(int from, boolean jsonOnly) {
        String rest = rest(from);
        List<String> json = JsonArray.parse(rest);
        if (json != null) {
            return new Command.ExecForm(json);
        }
        if (rest.isEmpty()) {
            throw error(keyword + " needs a command");
        }
        if (jsonOnly) {
            throw error(keyword + " needs a JSON array of strings, like SHELL [\"/bin/sh\", \"-c\"]");
        }
        return new Command.ShellForm(rest);
    }

    private Instruction shell() {
        Flags flags = flags(Map.of());
        Command c = command(flags.end(), true);
        List<String> args = ((Command.ExecForm) c).args();
        if (args.isEmpty()) {
            throw error("SHELL needs at least the executable, like SHELL [\"/bin/sh\", \"-c\"]");
        }
        return new Instruction.Shell(position, source, args);
    }

    private String single(int from) {
        String rest = rest(from);
        if (rest.isEmpty()) {
            throw error(keyword + " needs an argument");
        }
        return rest;
    }

    private List<KeyValue> pairs(int from) {
        List<RawWords.Word> words = RawWords.split(line, from, escape);
        if (words.isEmpty()) {
            throw error(keyword + " needs at least one key=value");
        }
        List<KeyValue> out = new ArrayList<>();
        if (RawWords.indexOfUnquoted(words.getFirst().text(), '=', escape) < 0) {
            RawWords.Word key = words.getFirst();
            if (words.size() < 2) {
                throw error(key.offset(), keyword + " " + key.text() + ": expected a value (" + keyword + " "
                        + key.text() + "=value)");
            }
            out.add(new KeyValue(key.text(), rest(key.end())));
            return out;
        }
        for (RawWords.Word w : words) {
            int eq = RawWords.indexOfUnquoted(w.text(), '=', escape);
            if (eq < 0) {
                throw error(w.offset(), keyword + ": expected key=value, found " + w.text());
            }
            if (eq == 0) {
                throw error(w.offset(), keyword + ": a name can not be empty (" + w.text() + ")");
            }
            out.add(new KeyValue(w.text().substring(0, eq), w.text().substring(eq + 1)));
        }
        return out;
    }

    private Instruction expose() {
        Flags flags = flags(Map.of());
        List<RawWords.Word> words = RawWords.split(line, flags.end(), escape);
        if (words.isEmpty()) {
            throw error("EXPOSE needs at least one port");
        }
        return new Instruction.Expose(position, source, words.stream().map(RawWords.Word::text).toList());
    }

    /** A JSON array's strings written as words, or the whitespace-separated words. */
    private List<String> list(int from) {
        List<String> json = JsonArray.parse(rest(from));
        if (json != null) {
            return json.stream().map(s -> RawWords.quoteLiteral(s, escape)).toList();
        }
        return RawWords.split(line, from, escape).stream().map(RawWords.Word::text).toList();
    }

    private Instruction volume() {
        Flags flags = flags(Map.of());
        List<String> paths = list(flags.end());
        if (paths.isEmpty()) {
            throw error("VOLUME needs at least one path");
        }
        return new Instruction.Volume(position, source, paths);
    }

    private Instruction add() {
        Flags flags = flags(allowed("chown", Kind.STRING, "chmod", Kind.STRING, "link", Kind.BOOL, "exclude",
                Kind.LIST, "checksum", Kind.STRING, "keep-git-dir", Kind.BOOL));
        return new Instruction.Add(position, source, copySpec(flags), flags.string("checksum"),
                flags.bool("keep-git-dir"));
    }

    private Instruction copy() {
        Flags flags = flags(allowed("from", Kind.STRING, "chown", Kind.STRING, "chmod", Kind.STRING, "link",
                Kind.BOOL, "parents", Kind.BOOL, "exclude", Kind.LIST));
        return new Instruction.Copy(position, source, copySpec(flags), flags.string("from"));
    }

    private CopySpec copySpec(Flags flags) {
        Flags.Given chmod = flags.one("chmod");
        if (chmod != null && !chmod.value().contains("$")) {
            FileMode.parse(chmod.value(), keyword, chmod.position());
        }
        List<String> sources = new ArrayList<>();
        List<Heredoc> heredocs = new ArrayList<>();
        String destination;
        List<String> json = JsonArray.parse(rest(flags.end()));
        if (json != null) {
            if (json.size() < 2) {
                throw error(flags.end(), keyword + " needs at least one source and a destination");
            }
            for (String s : json) {
                sources.add(RawWords.quoteLiteral(s, escape));
            }
            destination = sources.removeLast();
        } else {
            List<RawWords.Word> words = RawWords.split(line, flags.end(), escape);
            if (words.size() < 2) {
                throw error(words.isEmpty() ? flags.end() : words.getFirst().offset(),
                        keyword + " needs at least one source and a destination (" + keyword + " src… dest)");
            }
            RawWords.Word last = words.getLast();
            if (HeredocMarker.at(last.text(), last.offset(), true) != null) {
                throw error(last.offset(), keyword + ": the destination can not be a heredoc (" + last.text() + ")");
            }
            for (RawWords.Word w : words.subList(0, words.size() - 1)) {
                HeredocMarker m = HeredocMarker.at(w.text(), w.offset(), true);
                if (m != null) {
                    heredocs.add(bodies.read(m, line));
                } else {
                    sources.add(w.text());
                }
            }
            destination = last.text();
        }
        return new CopySpec(sources, destination, flags.string("chown"), flags.string("chmod"), flags.bool("link"),
                flags.bool("parents"), flags.all("exclude").stream().map(Flags.Given::value).toList(), heredocs);
    }

    private Instruction arg() {
        Flags flags = flags(Map.of());
        List<RawWords.Word> words = RawWords.split(line, flags.end(), escape);
        if (words.isEmpty()) {
            throw error("ARG needs a name (ARG name or ARG name=default)");
        }
        List<ArgDeclaration> declarations = new ArrayList<>();
        for (RawWords.Word w : words) {
            int eq = w.text().indexOf('=');
            String name = eq < 0 ? w.text() : w.text().substring(0, eq);
            if (name.isEmpty()) {
                throw error(w.offset(), "ARG: a name can not be empty (" + w.text() + ")");
            }
            if (!name.matches("[A-Za-z_][A-Za-z0-9_.\\-]*")) {
                throw error(w.offset(), "ARG: invalid name \"" + name
                        + "\" (a name starts with a letter or _ and holds letters, digits, _, . and -)");
            }
            declarations.add(new ArgDeclaration(name, eq < 0 ? null : w.text().substring(eq + 1)));
        }
        return new Instruction.Arg(position, source, declarations);
    }

    private Instruction onbuild() {
        Flags flags = flags(Map.of());
        int start = flags.end();
        String trigger = rest(start);
        if (trigger.isEmpty()) {
            throw error("ONBUILD needs an instruction (ONBUILD RUN …)");
        }
        while (RawWords.isSpace(line.text().charAt(start))) {
            start++;
        }
        LogicalLine inner = line.from(start);
        String innerKeyword = keyword(inner);
        if (Set.of("ONBUILD", "FROM", "MAINTAINER").contains(innerKeyword)) {
            throw error(start, "ONBUILD " + innerKeyword + " is not allowed");
        }
        parse(inner, escape, (m, l) -> {
            throw new BuildException(l.at(m.offset()) + ": heredocs are not supported in ONBUILD");
        });
        return new Instruction.Onbuild(position, source, trigger);
    }

    private Instruction healthcheck() {
        Flags flags = flags(allowed("interval", Kind.STRING, "timeout", Kind.STRING, "start-period", Kind.STRING,
                "start-interval", Kind.STRING, "retries", Kind.STRING));
        List<RawWords.Word> words = RawWords.split(line, flags.end(), escape, true);
        if (words.isEmpty()) {
            throw error("HEALTHCHECK needs CMD command or NONE");
        }
        String type = words.getFirst().text().toUpperCase(Locale.ROOT);
        if (type.equals("NONE")) {
            if (words.size() > 1) {
                throw error(words.get(1).offset(), "HEALTHCHECK NONE takes no arguments");
            }
            if (!flags.isEmpty()) {
                throw error("HEALTHCHECK NONE takes no options");
            }
            return new Instruction.Healthcheck(position, source, null);
        }
        if (!type.equals("CMD")) {
            throw error(words.getFirst().offset(), "HEALTHCHECK: expected CMD or NONE, found " + words.getFirst().text());
        }
        Command test = command(words.getFirst().end(), false);
        Integer retries = null;
        Flags.Given r = flags.one("retries");
        if (r != null) {
            try {
                retries = Integer.parseInt(r.value());
            } catch (NumberFormatException e) {
                retries = -1;
            }
            if (retries < 0) {
                throw new BuildException(r.position() + ": HEALTHCHECK --retries=" + r.value()
                        + ": expected a whole number, 0 or more");
            }
        }
        return new Instruction.Healthcheck(position, source, new Instruction.HealthcheckSpec(test,
                duration(flags.one("interval")), duration(flags.one("timeout")), duration(flags.one("start-period")),
                duration(flags.one("start-interval")), retries));
    }

    private Duration duration(Flags.Given g) {
        if (g == null) {
            return null;
        }
        Duration d = GoDuration.parse(g.value());
        if (d == null) {
            throw new BuildException(g.position() + ": HEALTHCHECK --" + g.name() + "=" + g.value()
                    + ": not a duration (like 30s, 1m30s or 500ms)");
        }
        if (d.isNegative() || (!d.isZero() && d.compareTo(Duration.ofMillis(1)) < 0)) {
            throw new BuildException(g.position() + ": HEALTHCHECK --" + g.name() + "=" + g.value()
                    + ": must be 0 (inherit) or at least 1ms");
        }
        return d;
    }
}
