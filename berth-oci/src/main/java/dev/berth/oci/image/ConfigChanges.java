package dev.berth.oci.image;

import dev.berth.oci.OciException;
import dev.berth.oci.json.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;

/**
 * Applies {@code docker import --change} / {@code docker commit --change} instructions to a container config, as
 * Docker does: each change is a Dockerfile instruction, limited to those that only alter the config (CMD,
 * ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR); keywords are
 * case-insensitive.
 *
 * <p>Dockerfile semantics carried over: CMD/ENTRYPOINT/VOLUME take a JSON array (exec form) or, when the text is
 * not a valid JSON array of strings, the shell form ({@code [shell..., text]} with the config's SHELL or
 * {@code /bin/sh -c}); an ENTRYPOINT clears the inherited CMD unless a CMD came earlier in the same changes; ENV and
 * LABEL take {@code k=v} pairs (quotes and backslash escapes as in a Dockerfile) or the legacy {@code k v}; ENV,
 * LABEL, EXPOSE, USER, VOLUME, WORKDIR and STOPSIGNAL expand {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-word}} and
 * {@code ${VAR:+word}} against the environment as it was before the instruction; a relative WORKDIR is resolved
 * against the previous one; EXPOSE ranges expand to one port each. A change holding several lines is several
 * instructions; blank lines and {@code #} comments are skipped.
 */
public final class ConfigChanges {
    /** The instructions a {@code --change} may use. */
    public static final List<String> ALLOWED = List.of("CMD", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL",
            "ONBUILD", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR");
    private static final Set<String> DOCKERFILE_ONLY = Set.of("ADD", "ARG", "COPY", "FROM", "MAINTAINER", "RUN",
            "SHELL");
    private static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");
    private static final Set<String> SIGNALS = Set.of("ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP",
            "ILL", "INT", "IO", "IOT", "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS",
            "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN",
            "RTMAX");

    private ConfigChanges() {
    }

    /**
     * Applies the changes in order to {@code base} (null means an empty config) and returns the result.
     *
     * @throws OciException naming the change and what is wrong with it
     */
    public static ContainerConfig apply(ContainerConfig base, List<String> changes) {
        State state = new State(base == null ? ContainerConfig.EMPTY : base);
        for (String change : changes == null ? List.<String>of() : changes) {
            if (change == null) {
                continue;
            }
            for (String line : change.split("\\R")) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                try {
                    state.apply(trimmed);
                } catch (Problem p) {
                    throw new OciException("--change '" + change + "': " + p.getMessage());
                }
            }
        }
        return state.config;
    }

    /** A fault in one instruction, before the change text is prefixed. */
    private static final class Problem extends RuntimeException {
        Problem(String message) {
            super(message, null, false, false);
        }
    }

    private static final class State {
        ContainerConfig config;
        boolean cmdSet;

        State(ContainerConfig config) {
            this.config = config;
        }

        void apply(String line) {
            int space = indexOfWhitespace(line);
            String word = space < 0 ? line : line.substring(0, space);
            String keyword = word.toUpperCase(Locale.ROOT);
            String args = space < 0 ? "" : line.substring(space).strip();
            if (!ALLOWED.contains(keyword)) {
                if (DOCKERFILE_ONLY.contains(keyword)) {
                    throw new Problem(keyword + " is not allowed here; allowed: " + String.join(", ", ALLOWED));
                }
                throw new Problem("unknown instruction '" + word + "'; allowed: " + String.join(", ", ALLOWED));
            }
            if (args.isEmpty()) {
                throw new Problem(keyword + " needs an argument");
            }
            switch (keyword) {
                case "CMD" -> {
                    config = withCommand(config, commandLine(args), config.entrypoint());
                    cmdSet = true;
                }
                case "ENTRYPOINT" -> config = withCommand(config, cmdSet ? config.cmd() : null, commandLine(args));
                case "ENV" -> env(args);
                case "EXPOSE" -> expose(args);
                case "HEALTHCHECK" -> config = config.withHealthcheck(healthcheck(args));
                case "LABEL" -> label(args);
                case "ONBUILD" -> onBuild(args);
                case "STOPSIGNAL" -> config = config.withStopSignal(stopSignal(expand(args)));
                case "USER" -> config = config.withUser(nonEmpty("USER", expand(args)));
                case "VOLUME" -> volume(args);
                case "WORKDIR" -> config = config.withWorkingDir(workdir(config.workingDir(),
                        nonEmpty("WORKDIR", expand(args))));
                default -> throw new IllegalStateException(keyword);
            }
        }

        private List<String> commandLine(String args) {
            List<String> exec = jsonArray(args);
            if (exec != null) {
                return exec;
            }
            List<String> command = new ArrayList<>(config.shell() == null || config.shell().isEmpty()
                    ? DEFAULT_SHELL : config.shell());
            command.add(args);
            return List.copyOf(command);
        }

        private void env(String args) {
            Map<String, String> pairs = pairs("ENV", args);
            List<String> env = new ArrayList<>(config.env() == null ? List.of() : config.env());
            for (Map.Entry<String, String> pair : pairs.entrySet()) {
                String entry = pair.getKey() + "=" + pair.getValue();
                int existing = -1;
                for (int i = 0; i < env.size(); i++) {
                    String e = env.get(i);
                    if (e.equals(pair.getKey()) || e.startsWith(pair.getKey() + "=")) {
                        existing = i;
                        break;
                    }
                }
                if (existing >= 0) {
                    env.set(existing, entry);
                } else {
                    env.add(entry);
                }
            }
            config = config.withEnv(List.copyOf(env));
        }

        private void label(String args) {
            Map<String, String> labels = new TreeMap<>(config.labels() == null ? Map.of() : config.labels());
            labels.putAll(pairs("LABEL", args));
            config = config.withLabels(labels);
        }

        /** {@code k=v k2="v 2"}, or the legacy {@code k v...}; keys and values expanded. */
        private Map<String, String> pairs(String keyword, String args) {
            List<String> words = splitWords(args);
            Map<String, String> pairs = new LinkedHashMap<>();
            if (!words.getFirst().contains("=")) {
                int space = indexOfWhitespace(args);
                if (space < 0) {
                    throw new Problem(keyword + " needs a value: use " + keyword + " name=value");
                }
                pairs.put(nameOf(keyword, expand(args.substring(0, space))), expand(args.substring(space).strip()));
                return pairs;
            }
            for (String word : words) {
                int eq = word.indexOf('=');
                if (eq < 0) {
                    throw new Problem("can't find '=' in '" + word + "'; " + keyword + " takes name=value pairs");
                }
                pairs.put(nameOf(keyword, expand(word.substring(0, eq))), expand(word.substring(eq + 1)));
            }
            return pairs;
        }

        private static String nameOf(String keyword, String name) {
            if (name.isEmpty()) {
                throw new Problem(keyword + " names can not be blank");
            }
            if (keyword.equals("ENV") && name.contains("=")) {
                throw new Problem("ENV name '" + name + "' must not contain '='");
            }
            return name;
        }

        private void expose(String args) {
            Map<String, Map<String, Object>> ports =
                    new TreeMap<>(config.exposedPorts() == null ? Map.of() : config.exposedPorts());
            for (String word : args.split("\\s+")) {
                String spec = expand(word);
                if (spec.isEmpty()) {
                    continue;
                }
                for (String port : ports(spec)) {
                    ports.put(port, Map.of());
                }
            }
            config = config.withExposedPorts(ports);
        }

        private void volume(String args) {
            List<String> list = jsonArray(args);
            if (list == null) {
                list = List.of(args.split("\\s+"));
            }
            if (list.isEmpty()) {
                throw new Problem("VOLUME needs at least one path");
            }
            Map<String, Map<String, Object>> volumes =
                    new TreeMap<>(config.volumes() == null ? Map.of() : config.volumes());
            for (String item : list) {
                String path = expand(item.strip());
                if (path.isEmpty()) {
                    throw new Problem("VOLUME specified can not be an empty string");
                }
                volumes.put(path, Map.of());
            }
            config = config.withVolumes(volumes);
        }

        private void onBuild(String args) {
            int space = indexOfWhitespace(args);
            String trigger = (space < 0 ? args : args.substring(0, space)).toUpperCase(Locale.ROOT);
            switch (trigger) {
                case "ONBUILD" -> throw new Problem("chaining ONBUILD via 'ONBUILD ONBUILD' isn't allowed");
                case "FROM", "MAINTAINER" -> throw new Problem(trigger + " isn't allowed as an ONBUILD trigger");
                default -> {
                    if (!ALLOWED.contains(trigger) && !DOCKERFILE_ONLY.contains(trigger)) {
                        throw new Problem("unknown ONBUILD trigger instruction '"
                                + (space < 0 ? args : args.substring(0, space)) + "'");
                    }
                }
            }
            List<String> onBuild = new ArrayList<>(config.onBuild() == null ? List.of() : config.onBuild());
            onBuild.add(args);
            config = config.withOnBuild(List.copyOf(onBuild));
        }

        private ContainerConfig.HealthConfig healthcheck(String args) {
            Long interval = null;
            Long timeout = null;
            Long startPeriod = null;
            Long startInterval = null;
            Integer retries = null;
            String rest = args;
            while (rest.startsWith("--")) {
                int space = indexOfWhitespace(rest);
                String flag = space < 0 ? rest : rest.substring(0, space);
                rest = space < 0 ? "" : rest.substring(space).strip();
                int eq = flag.indexOf('=');
                String name = eq < 0 ? flag.substring(2) : flag.substring(2, eq);
                if (eq < 0 && List.of("interval", "timeout", "start-period", "start-interval", "retries")
                        .contains(name)) {
                    throw new Problem("HEALTHCHECK flag --" + name + " needs a value: --" + name + "=VALUE");
                }
                String value = eq < 0 ? "" : flag.substring(eq + 1);
                switch (name) {
                    case "interval" -> interval = healthDuration(name, value);
                    case "timeout" -> timeout = healthDuration(name, value);
                    case "start-period" -> startPeriod = healthDuration(name, value);
                    case "start-interval" -> startInterval = healthDuration(name, value);
                    case "retries" -> {
                        try {
                            int n = Integer.parseInt(value);
                            if (n < 0) {
                                throw new Problem("HEALTHCHECK --retries cannot be negative");
                            }
                            retries = n == 0 ? null : n;
                        } catch (NumberFormatException e) {
                            throw new Problem("HEALTHCHECK --retries '" + value + "' is not a whole number");
                        }
                    }
                    default -> throw new Problem("unknown HEALTHCHECK flag '--" + name
                            + "' (allowed: --interval, --timeout, --start-period, --start-interval, --retries)");
                }
            }
            if (rest.isEmpty()) {
                throw new Problem("HEALTHCHECK needs NONE or CMD");
            }
            int space = indexOfWhitespace(rest);
            String type = (space < 0 ? rest : rest.substring(0, space)).toUpperCase(Locale.ROOT);
            String command = space < 0 ? "" : rest.substring(space).strip();
            List<String> test = new ArrayList<>();
            switch (type) {
                case "NONE" -> {
                    if (!command.isEmpty()) {
                        throw new Problem("HEALTHCHECK NONE takes no arguments");
                    }
                    return new ContainerConfig.HealthConfig(List.of("NONE"), null, null, null, null, null);
                }
                case "CMD" -> {
                    if (command.isEmpty()) {
                        throw new Problem("missing command after HEALTHCHECK CMD");
                    }
                    List<String> exec = jsonArray(command);
                    if (exec != null) {
                        test.add("CMD");
                        test.addAll(exec);
                    } else {
                        test.add("CMD-SHELL");
                        test.add(command);
                    }
                }
                default -> throw new Problem("unknown type '" + (space < 0 ? rest : rest.substring(0, space))
                        + "' in HEALTHCHECK (try CMD)");
            }
            return new ContainerConfig.HealthConfig(List.copyOf(test), interval, timeout, startPeriod, startInterval,
                    retries);
        }

        /** Expands variables and removes quotes, against the environment as it stands. */
        private String expand(String word) {
            return new Expander(word, envMap()).word();
        }

        private Map<String, String> envMap() {
            Map<String, String> map = new LinkedHashMap<>();
            if (config.env() != null) {
                for (String e : config.env()) {
                    int eq = e.indexOf('=');
                    map.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
                }
            }
            return map;
        }
    }

    private static ContainerConfig withCommand(ContainerConfig c, List<String> cmd, List<String> entrypoint) {
        // Docker sets ArgsEscaped only for Windows images; on Linux a CMD or ENTRYPOINT clears it.
        return new ContainerConfig(c.user(), c.exposedPorts(), c.env(), entrypoint, cmd, c.volumes(), c.workingDir(),
                c.labels(), c.stopSignal(), null, c.healthcheck(), c.onBuild(), c.shell());
    }

    /** The JSON exec form, or null when the text is not a JSON array of strings (then it is shell form). */
    private static List<String> jsonArray(String text) {
        if (!text.startsWith("[")) {
            return null;
        }
        JsonNode node;
        try {
            node = Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
        } catch (JacksonException e) {
            return null;
        }
        if (node == null || !node.isArray()) {
            return null;
        }
        List<String> list = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isString()) {
                return null;
            }
            list.add(item.stringValue());
        }
        return List.copyOf(list);
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String nonEmpty(String keyword, String value) {
        if (value.isEmpty()) {
            throw new Problem(keyword + " needs a non-empty argument");
        }
        return value;
    }

    /** Splits at unquoted whitespace, keeping quotes and escapes in the words (as Dockerfile's parseWords). */
    private static List<String> splitWords(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == 0 && Character.isWhitespace(c)) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
                continue;
            }
            word.append(c);
            if (c == '\\' && quote != '\'' && i + 1 < text.length()) {
                word.append(text.charAt(++i));
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            }
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }

    /** Dockerfile word processing: quotes, backslash escapes and variable references. */
    private static final class Expander {
        private final String text;
        private final Map<String, String> env;
        private int pos;

        Expander(String text, Map<String, String> env) {
            this.text = text;
            this.env = env;
        }

        String word() {
            return until((char) 0);
        }

        /** Processes up to {@code stop} (unquoted; 0 for end of text), leaving pos on the stop character. */
        private String until(char stop) {
            StringBuilder out = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (stop != 0 && c == stop) {
                    return out.toString();
                }
                pos++;
                switch (c) {
                    case '\\' -> {
                        if (pos < text.length()) {
                            out.append(text.charAt(pos++));
                        } else {
                            out.append('\\');
                        }
                    }
                    case '\'' -> {
                        int close = text.indexOf('\'', pos);
                        if (close < 0) {
                            throw new Problem("unexpected end of statement while looking for matching single-quote");
                        }
                        out.append(text, pos, close);
                        pos = close + 1;
                    }
                    case '"' -> out.append(doubleQuoted());
                    case '$' -> out.append(variable());
                    default -> out.append(c);
                }
            }
            if (stop != 0) {
                throw new Problem("missing '" + stop + "' in '" + text + "'");
            }
            return out.toString();
        }

        private String doubleQuoted() {
            StringBuilder out = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\' && pos < text.length() && "\"$\\".indexOf(text.charAt(pos)) >= 0) {
                    out.append(text.charAt(pos++));
                } else if (c == '$') {
                    out.append(variable());
                } else {
                    out.append(c);
                }
            }
            throw new Problem("unexpected end of statement while looking for matching double-quote");
        }

        /** After a '$': a name, {@code {name}}, {@code {name:-word}}, {@code {name:+word}}; else a literal '$'. */
        private String variable() {
            if (pos < text.length() && text.charAt(pos) == '{') {
                pos++;
                String name = name();
                if (name.isEmpty()) {
                    throw new Problem("bad substitution in '" + text + "': expected a variable name after '${'");
                }
                if (pos >= text.length()) {
                    throw new Problem("missing '}' in '" + text + "'");
                }
                char c = text.charAt(pos);
                if (c == '}') {
                    pos++;
                    return env.getOrDefault(name, "");
                }
                boolean colon = c == ':';
                if (colon) {
                    pos++;
                }
                char op = pos < text.length() ? text.charAt(pos) : 0;
                if (op != '-' && op != '+') {
                    throw new Problem("unsupported modifier in '" + text + "' (supported: ${VAR:-word}, ${VAR:+word})");
                }
                pos++;
                String word = until('}');
                pos++;
                String value = env.get(name);
                boolean set = colon ? value != null && !value.isEmpty() : value != null;
                return op == '-' ? (set ? value : word) : (set ? word : "");
            }
            String name = name();
            if (name.isEmpty()) {
                return "$";
            }
            return env.getOrDefault(name, "");
        }

        private String name() {
            int start = pos;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (!(Character.isLetterOrDigit(c) && c < 128 || c == '_')) {
                    break;
                }
                pos++;
            }
            return text.substring(start, pos);
        }
    }

    /** EXPOSE: {@code PORT[-PORT][/PROTO]} to keys {@code port/proto}, one per port. */
    private static List<String> ports(String spec) {
        if (spec.contains(":")) {
            throw new Problem("EXPOSE takes container ports, not port mappings: '" + spec + "'");
        }
        int slash = spec.indexOf('/');
        String range = slash < 0 ? spec : spec.substring(0, slash);
        String proto = slash < 0 ? "tcp" : spec.substring(slash + 1).toLowerCase(Locale.ROOT);
        if (!proto.equals("tcp") && !proto.equals("udp") && !proto.equals("sctp")) {
            throw new Problem("invalid protocol '" + spec.substring(slash + 1) + "' in '" + spec
                    + "' (allowed: tcp, udp, sctp)");
        }
        int dash = range.indexOf('-');
        int start = port(spec, dash < 0 ? range : range.substring(0, dash));
        int end = dash < 0 ? start : port(spec, range.substring(dash + 1));
        if (end < start) {
            throw new Problem("invalid port range '" + range + "': the end is below the start");
        }
        List<String> keys = new ArrayList<>();
        for (int p = start; p <= end; p++) {
            keys.add(p + "/" + proto);
        }
        return keys;
    }

    private static int port(String spec, String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(text) > 65535) {
            throw new Problem("invalid port '" + text + "' in '" + spec + "': expected a number from 0 to 65535");
        }
        return Integer.parseInt(text);
    }

    private static String stopSignal(String signal) {
        if (!signal.isEmpty() && signal.chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (signal.length() <= 3 && Integer.parseInt(signal) >= 1 && Integer.parseInt(signal) <= 255) {
                return signal;
            }
        } else {
            String name = signal.toUpperCase(Locale.ROOT);
            if (name.startsWith("SIG")) {
                name = name.substring(3);
            }
            if (SIGNALS.contains(name) || realtime(name)) {
                return signal;
            }
        }
        throw new Problem("invalid signal '" + signal + "' (use a name such as SIGTERM or a number from 1 to 255)");
    }

    private static boolean realtime(String name) {
        for (int i = 1; i <= 15; i++) {
            if (name.equals("RTMIN+" + i) || name.equals("RTMAX-" + i)) {
                return true;
            }
        }
        return false;
    }

    /** WORKDIR: an absolute path as given; a relative one joined to the previous WORKDIR (or /) and cleaned. */
    private static String workdir(String current, String requested) {
        if (requested.startsWith("/")) {
            return requested;
        }
        return clean("/" + (current == null ? "" : current) + "/" + requested);
    }

    /** Lexical path cleaning, as Go's path.Clean, for absolute paths. */
    private static String clean(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.removeLast();
                }
                continue;
            }
            parts.add(part);
        }
        return "/" + String.join("/", parts);
    }

    /** A HEALTHCHECK duration flag in nanoseconds; null for zero. Must be zero or at least 1ms. */
    private static Long healthDuration(String flag, String value) {
        long nanos = goDuration(flag, value);
        if (nanos < 0) {
            throw new Problem("HEALTHCHECK --" + flag + " '" + value + "' cannot be negative");
        }
        if (nanos != 0 && nanos < 1_000_000L) {
            throw new Problem("HEALTHCHECK --" + flag + " '" + value + "' cannot be less than 1ms");
        }
        return nanos == 0 ? null : nanos;
    }

    /** Go's time.ParseDuration: {@code [-+]?(decimal unit)+} with units ns, us, µs, ms, s, m, h; or plain 0. */
    private static long goDuration(String flag, String text) {
        String bad = "HEALTHCHECK --" + flag + " '" + text + "' is not a duration (for example 30s, 1m30s, 500ms)";
        String s = text;
        boolean negative = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            negative = s.startsWith("-");
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return 0;
        }
        if (s.isEmpty()) {
            throw new Problem(bad);
        }
        BigDecimal total = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) && s.charAt(i) < 128 || s.charAt(i) == '.')) {
                i++;
            }
            String number = s.substring(start, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw new Problem(bad);
            }
            int unitStart = i;
            while (i < s.length() && !(Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) && s.charAt(i) != '.') {
                i++;
            }
            long unit = switch (s.substring(unitStart, i)) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> throw new Problem(bad);
            };
            total = total.add(new BigDecimal(number.startsWith(".") ? "0" + number : number)
                    .multiply(BigDecimal.valueOf(unit)));
        }
        if (total.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new Problem(bad + ": too large");
        }
        long nanos = total.longValue();
        return negative ? -nanos : nanos;
    }
}
