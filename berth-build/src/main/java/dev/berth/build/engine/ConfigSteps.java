package dev.berth.build.engine;

import dev.berth.build.BuildException;
import dev.berth.build.dockerfile.Instruction;
import dev.berth.oci.image.ContainerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How the config instructions change an image's config, as docker build changes it. */
final class ConfigSteps {
    static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");

    private ConfigSteps() {
    }

    static List<String> shell(ContainerConfig config) {
        return config.shell() == null || config.shell().isEmpty() ? DEFAULT_SHELL : config.shell();
    }

    /** A command's argv: exec form as is, shell form through the stage's SHELL. */
    static List<String> argv(Instruction.Command command, ContainerConfig config) {
        return switch (command) {
            case Instruction.Command.ExecForm e -> e.args();
            case Instruction.Command.ShellForm s -> {
                List<String> argv = new ArrayList<>(shell(config));
                argv.add(s.script());
                yield argv;
            }
        };
    }

    /** ENV: each key replaces an earlier value in place, or is appended. */
    static List<String> setEnv(List<String> env, List<Instruction.KeyValue> pairs) {
        List<String> out = new ArrayList<>(env == null ? List.of() : env);
        for (Instruction.KeyValue kv : pairs) {
            String entry = kv.key() + "=" + kv.value();
            boolean replaced = false;
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).startsWith(kv.key() + "=")) {
                    out.set(i, entry);
                    replaced = true;
                    break;
                }
            }
            if (!replaced) {
                out.add(entry);
            }
        }
        return out;
    }

    /** A variable's value in an env list, or null. */
    static String envValue(List<String> env, String name) {
        if (env == null) {
            return null;
        }
        String prefix = name + "=";
        for (String e : env) {
            if (e.startsWith(prefix)) {
                return e.substring(prefix.length());
            }
        }
        return null;
    }

    static Map<String, String> addLabels(Map<String, String> labels, List<Instruction.KeyValue> pairs) {
        Map<String, String> out = new TreeMap<>(labels == null ? Map.of() : labels);
        for (Instruction.KeyValue kv : pairs) {
            out.put(kv.key(), kv.value());
        }
        return out;
    }

    /** EXPOSE words: {@code 80}, {@code 80/udp}, ranges {@code 7000-7002/tcp} (one entry per port, as docker). */
    static Map<String, Map<String, Object>> expose(Map<String, Map<String, Object>> ports, List<String> words, String where) {
        Map<String, Map<String, Object>> out = new TreeMap<>(ports == null ? Map.of() : ports);
        for (String word : words) {
            String spec = word;
            String proto = "tcp";
            int slash = word.indexOf('/');
            if (slash >= 0) {
                spec = word.substring(0, slash);
                proto = word.substring(slash + 1).toLowerCase(java.util.Locale.ROOT);
            }
            if (!proto.equals("tcp") && !proto.equals("udp") && !proto.equals("sctp")) {
                throw new BuildException(where + ": EXPOSE " + word + ": the protocol must be tcp, udp or sctp");
            }
            int dash = spec.indexOf('-');
            int from = port(dash < 0 ? spec : spec.substring(0, dash), word, where);
            int to = dash < 0 ? from : port(spec.substring(dash + 1), word, where);
            if (to < from) {
                throw new BuildException(where + ": EXPOSE " + word + ": the range ends before it starts");
            }
            for (int p = from; p <= to; p++) {
                out.put(p + "/" + proto, Map.of());
            }
        }
        return out;
    }

    private static int port(String text, String word, String where) {
        try {
            int p = Integer.parseInt(text);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BuildException(where + ": EXPOSE " + word + ": invalid port '" + text + "' (expected 0 to 65535)");
    }

    static Map<String, Map<String, Object>> volumes(Map<String, Map<String, Object>> volumes, List<String> paths, String where) {
        Map<String, Map<String, Object>> out = new TreeMap<>(volumes == null ? Map.of() : volumes);
        for (String p : paths) {
            if (p.isBlank()) {
                throw new BuildException(where + ": VOLUME needs a path, not an empty string");
            }
            out.put(p, Map.of());
        }
        return out;
    }

    static ContainerConfig.HealthConfig healthcheck(Instruction.Healthcheck h, ContainerConfig config) {
        if (h.check() == null) {
            return new ContainerConfig.HealthConfig(List.of("NONE"), null, null, null, null, null);
        }
        Instruction.HealthcheckSpec s = h.check();
        List<String> test = new ArrayList<>();
        switch (s.test()) {
            case Instruction.Command.ExecForm e -> {
                test.add("CMD");
                test.addAll(e.args());
            }
            case Instruction.Command.ShellForm sh -> {
                test.add("CMD-SHELL");
                test.add(sh.script());
            }
        }
        return new ContainerConfig.HealthConfig(test, nanos(s.interval()), nanos(s.timeout()), nanos(s.startPeriod()),
                nanos(s.startInterval()), s.retries());
    }

    private static Long nanos(Duration d) {
        return d == null ? null : d.toNanos();
    }

    /** WORKDIR: relative paths are relative to the current one. */
    static String workdir(String current, String path) {
        String base = current == null || current.isEmpty() ? "/" : current;
        String joined = path.startsWith("/") ? path : base + "/" + path;
        String normal = java.nio.file.Path.of(joined).normalize().toString();
        return normal.isEmpty() ? "/" : normal;
    }

    static List<String> addOnBuild(List<String> triggers, String trigger) {
        List<String> out = new ArrayList<>(triggers == null ? List.of() : triggers);
        out.add(trigger);
        return out;
    }

    static Map<String, String> copyOf(Map<String, String> m) {
        return new LinkedHashMap<>(m);
    }
}
