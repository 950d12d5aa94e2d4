package dev.berth.daemon.engine;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.EngineException.Kind;
import dev.berth.daemon.api.HostConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks of a create request that need no image: limits, network mode, restart policy, mounts, ports. */
final class Validation {
    private static final Set<String> NETWORK_MODES = Set.of("bridge", "host", "none");
    private static final long MIN_MEMORY = 6L * 1024 * 1024;

    private Validation() {
    }

    static void hostConfig(HostConfig h) {
        if (h.memory() < 0) {
            throw new EngineException(Kind.INVALID, "invalid memory limit " + h.memory() + ": it cannot be negative");
        }
        if (h.memory() > 0 && h.memory() < MIN_MEMORY) {
            throw new EngineException(Kind.INVALID, "Minimum memory limit allowed is 6MB");
        }
        if (h.nanoCpus() < 0) {
            throw new EngineException(Kind.INVALID, "invalid CPU limit: it cannot be negative");
        }
        int cores = java.lang.Runtime.getRuntime().availableProcessors();
        if (h.nanoCpus() > cores * 1_000_000_000L) {
            throw new EngineException(Kind.INVALID, "range of CPUs is from 0.01 to " + cores + ".00, as there are only "
                    + cores + " CPUs available");
        }
        if (h.nanoCpus() > 0 && h.nanoCpus() < 10_000_000L) {
            throw new EngineException(Kind.INVALID, "range of CPUs is from 0.01 to " + cores + ".00");
        }
        if (!NETWORK_MODES.contains(h.networkMode())) {
            throw new EngineException(Kind.NOT_FOUND, "network " + h.networkMode() + " not found (Berth has bridge, host and none)");
        }
        String policy = h.restartPolicy().name();
        if (!Set.of("no", "on-failure", "always", "unless-stopped").contains(policy)) {
            throw new EngineException(Kind.INVALID, "invalid restart policy '" + policy
                    + "': use no, on-failure[:max-retries], always or unless-stopped");
        }
        if (!policy.equals("on-failure") && h.restartPolicy().maximumRetryCount() != 0) {
            throw new EngineException(Kind.INVALID, "maximum retry count cannot be used with restart policy '" + policy + "'");
        }
        if (h.autoRemove() && !policy.equals("no")) {
            throw new EngineException(Kind.INVALID, "conflicting options: cannot specify both --restart and --rm");
        }
        if (!h.portBindings().isEmpty() && !h.networkMode().equals("bridge")) {
            throw new EngineException(Kind.INVALID, "published ports need the bridge network: they are discarded with network "
                    + h.networkMode());
        }
        for (Map.Entry<String, List<HostConfig.PortBinding>> e : h.portBindings().entrySet()) {
            String[] portProto = e.getKey().split("/", 2);
            checkPort(portProto[0], "container port", e.getKey());
            if (portProto.length == 2 && !portProto[1].equals("tcp") && !portProto[1].equals("udp")) {
                throw new EngineException(Kind.INVALID, "invalid protocol '" + portProto[1] + "' in " + e.getKey() + ": use tcp or udp");
            }
            for (HostConfig.PortBinding b : e.getValue()) {
                if (b.hostPort() != null && !b.hostPort().isEmpty()) {
                    checkPort(b.hostPort(), "host port", b.hostPort());
                }
            }
        }
        for (String bind : h.binds()) {
            BindSpec.parse(bind);
        }
        for (String dst : h.tmpfs().keySet()) {
            if (!dst.startsWith("/")) {
                throw new EngineException(Kind.INVALID, "invalid tmpfs mount '" + dst + "': the path must be absolute");
            }
        }
        if (h.pidsLimit() != null && h.pidsLimit() < -1) {
            throw new EngineException(Kind.INVALID, "invalid PIDs limit " + h.pidsLimit());
        }
        Map<String, String> log = h.logConfig().config();
        for (String key : log.keySet()) {
            if (!key.equals("max-size") && !key.equals("max-file")) {
                throw new EngineException(Kind.INVALID, "unknown log option '" + key + "': Berth's log files take max-size and max-file");
            }
        }
        LogOptions.of(h.logConfig());
    }

    private static void checkPort(String text, String what, String whole) {
        try {
            int p = Integer.parseInt(text);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new EngineException(Kind.INVALID, "invalid " + what + " '" + text + "' in " + whole);
        }
    }

    /** A bind mount SRC:DST[:ro|rw]; the source must be an absolute path that exists. */
    record BindSpec(String source, String destination, boolean readOnly) {
        static BindSpec parse(String spec) {
            String[] parts = spec.split(":");
            if (parts.length < 2 || parts.length > 3) {
                throw new EngineException(Kind.INVALID, "invalid volume specification '" + spec + "': use SRC:DST[:ro]");
            }
            boolean ro = false;
            if (parts.length == 3) {
                for (String opt : parts[2].split(",")) {
                    switch (opt) {
                        case "ro" -> ro = true;
                        case "rw", "z", "Z", "rprivate", "private" -> { }
                        default -> throw new EngineException(Kind.INVALID, "invalid mode '" + opt + "' in volume '" + spec + "'");
                    }
                }
            }
            if (!parts[0].startsWith("/")) {
                throw new EngineException(Kind.INVALID, "invalid volume specification '" + spec
                        + "': named volumes are not supported; the source must be an absolute host path");
            }
            if (!parts[1].startsWith("/")) {
                throw new EngineException(Kind.INVALID, "invalid volume specification '" + spec
                        + "': the destination must be an absolute path");
            }
            if (!java.nio.file.Files.exists(java.nio.file.Path.of(parts[0]))) {
                throw new EngineException(Kind.INVALID, "invalid mount config: bind source path does not exist: " + parts[0]);
            }
            return new BindSpec(parts[0], parts[1], ro);
        }
    }
}
