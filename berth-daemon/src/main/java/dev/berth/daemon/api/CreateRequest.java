package dev.berth.daemon.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.oci.image.ContainerConfig.HealthConfig;
import java.util.List;
import java.util.Map;

/**
 * A container to create (Docker's ContainerCreate body, the fields Berth honours). Null means "as the image says";
 * an {@code Entrypoint} of {@code [""]} clears the image's entrypoint, as with {@code docker run --entrypoint ""}.
 */
public record CreateRequest(
        @JsonProperty("Image") String image,
        @JsonProperty("Cmd") List<String> cmd,
        @JsonProperty("Entrypoint") List<String> entrypoint,
        @JsonProperty("Env") List<String> env,
        @JsonProperty("WorkingDir") String workingDir,
        @JsonProperty("User") String user,
        @JsonProperty("Hostname") String hostname,
        @JsonProperty("Labels") Map<String, String> labels,
        @JsonProperty("ExposedPorts") Map<String, Map<String, Object>> exposedPorts,
        @JsonProperty("Healthcheck") HealthConfig healthcheck,
        @JsonProperty("StopSignal") String stopSignal,
        @JsonProperty("StopTimeout") Integer stopTimeout,
        @JsonProperty("HostConfig") HostConfig hostConfig) {
    /** The request as JSON text, written without Jackson (see {@link JsonText}); field names as the record's. */
    public String toJson() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("Image", image);
        m.put("Cmd", cmd);
        m.put("Entrypoint", entrypoint);
        m.put("Env", env);
        m.put("WorkingDir", workingDir);
        m.put("User", user);
        m.put("Hostname", hostname);
        m.put("Labels", labels);
        m.put("ExposedPorts", exposedPorts);
        if (healthcheck != null) {
            java.util.Map<String, Object> h = new java.util.LinkedHashMap<>();
            h.put("Test", healthcheck.test());
            h.put("Interval", healthcheck.interval());
            h.put("Timeout", healthcheck.timeout());
            h.put("StartPeriod", healthcheck.startPeriod());
            h.put("StartInterval", healthcheck.startInterval());
            h.put("Retries", healthcheck.retries());
            m.put("Healthcheck", h);
        }
        m.put("StopSignal", stopSignal);
        m.put("StopTimeout", stopTimeout);
        if (hostConfig != null) {
            HostConfig hc = hostConfig;
            java.util.Map<String, Object> h = new java.util.LinkedHashMap<>();
            h.put("Binds", hc.binds());
            h.put("Tmpfs", hc.tmpfs());
            h.put("ReadonlyRootfs", hc.readonlyRootfs());
            h.put("Memory", hc.memory());
            h.put("NanoCpus", hc.nanoCpus());
            h.put("PidsLimit", hc.pidsLimit());
            h.put("NetworkMode", hc.networkMode());
            java.util.Map<String, Object> ports = new java.util.LinkedHashMap<>();
            hc.portBindings().forEach((k, v) -> ports.put(k, v.stream()
                    .map(b -> java.util.Map.of("HostIp", b.hostIp() == null ? "" : b.hostIp(), "HostPort", b.hostPort() == null ? "" : b.hostPort()))
                    .toList()));
            h.put("PortBindings", ports);
            h.put("RestartPolicy", java.util.Map.of("Name", hc.restartPolicy().name(), "MaximumRetryCount", hc.restartPolicy().maximumRetryCount()));
            h.put("AutoRemove", hc.autoRemove());
            h.put("LogConfig", java.util.Map.of("Type", hc.logConfig().type(), "Config", hc.logConfig().config()));
            h.put("SecurityOpt", hc.securityOpt());
            m.put("HostConfig", h);
        }
        return JsonText.write(m);
    }
}
