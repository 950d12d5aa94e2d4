package dev.berth.daemon.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** How the host runs a container (Docker's HostConfig): mounts, limits, network, ports, restarts, logs. */
public record HostConfig(
        @JsonProperty("Binds") List<String> binds,
        @JsonProperty("Tmpfs") Map<String, String> tmpfs,
        @JsonProperty("ReadonlyRootfs") boolean readonlyRootfs,
        @JsonProperty("Memory") long memory,
        @JsonProperty("NanoCpus") long nanoCpus,
        @JsonProperty("PidsLimit") Long pidsLimit,
        @JsonProperty("NetworkMode") String networkMode,
        @JsonProperty("PortBindings") Map<String, List<PortBinding>> portBindings,
        @JsonProperty("RestartPolicy") RestartPolicy restartPolicy,
        @JsonProperty("AutoRemove") boolean autoRemove,
        @JsonProperty("LogConfig") LogConfig logConfig,
        @JsonProperty("SecurityOpt") List<String> securityOpt) {

    public HostConfig {
        binds = binds == null ? List.of() : List.copyOf(binds);
        tmpfs = tmpfs == null ? Map.of() : Map.copyOf(tmpfs);
        networkMode = networkMode == null || networkMode.isEmpty() || networkMode.equals("default") ? "bridge" : networkMode;
        portBindings = portBindings == null ? Map.of() : Map.copyOf(portBindings);
        restartPolicy = restartPolicy == null ? RestartPolicy.NO : restartPolicy;
        logConfig = logConfig == null ? LogConfig.DEFAULT : logConfig;
        securityOpt = securityOpt == null ? List.of() : List.copyOf(securityOpt);
    }

    public static HostConfig defaults() {
        return new HostConfig(null, null, false, 0, 0, null, null, null, null, false, null, null);
    }

    /** {@code HostPort} "" or "0" asks for any free port. */
    public record PortBinding(@JsonProperty("HostIp") String hostIp, @JsonProperty("HostPort") String hostPort) {
    }

    /** Docker's restart policies: "no", "on-failure" (with a maximum count, 0 = unlimited), "always", "unless-stopped". */
    public record RestartPolicy(@JsonProperty("Name") String name, @JsonProperty("MaximumRetryCount") int maximumRetryCount) {
        public static final RestartPolicy NO = new RestartPolicy("no", 0);

        public RestartPolicy {
            name = name == null || name.isEmpty() ? "no" : name;
        }
    }

    /** The json-file driver's options as Docker names them: {@code max-size} (e.g. 10m) and {@code max-file}. */
    public record LogConfig(@JsonProperty("Type") String type, @JsonProperty("Config") Map<String, String> config) {
        public static final LogConfig DEFAULT = new LogConfig("k8s-file", Map.of());

        public LogConfig {
            type = type == null || type.isEmpty() ? "k8s-file" : type;
            config = config == null ? Map.of() : Map.copyOf(config);
        }
    }
}
