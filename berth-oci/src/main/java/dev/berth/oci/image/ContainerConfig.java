package dev.berth.oci.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * The execution parameters in an image config ({@code config} in the OCI image config), with Docker's extensions
 * ({@code Healthcheck}, {@code OnBuild}, {@code Shell}) that Docker and Podman honour.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"User", "ExposedPorts", "Env", "Entrypoint", "Cmd", "Volumes", "WorkingDir", "Labels", "StopSignal",
        "ArgsEscaped", "Healthcheck", "OnBuild", "Shell"})
public record ContainerConfig(
        @JsonProperty("User") String user,
        @JsonProperty("ExposedPorts") Map<String, Map<String, Object>> exposedPorts,
        @JsonProperty("Env") List<String> env,
        @JsonProperty("Entrypoint") List<String> entrypoint,
        @JsonProperty("Cmd") List<String> cmd,
        @JsonProperty("Volumes") Map<String, Map<String, Object>> volumes,
        @JsonProperty("WorkingDir") String workingDir,
        @JsonProperty("Labels") Map<String, String> labels,
        @JsonProperty("StopSignal") String stopSignal,
        @JsonProperty("ArgsEscaped") Boolean argsEscaped,
        @JsonProperty("Healthcheck") HealthConfig healthcheck,
        @JsonProperty("OnBuild") List<String> onBuild,
        @JsonProperty("Shell") List<String> shell) {

    public static final ContainerConfig EMPTY =
            new ContainerConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);

    public ContainerConfig {
        exposedPorts = exposedPorts == null ? null : new java.util.TreeMap<>(exposedPorts);
        volumes = volumes == null ? null : new java.util.TreeMap<>(volumes);
        labels = labels == null ? null : new java.util.TreeMap<>(labels);
    }

    /** Docker's healthcheck: Test is ["NONE"], ["CMD", args…] or ["CMD-SHELL", command]; durations in nanoseconds. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record HealthConfig(
            @JsonProperty("Test") List<String> test,
            @JsonProperty("Interval") Long interval,
            @JsonProperty("Timeout") Long timeout,
            @JsonProperty("StartPeriod") Long startPeriod,
            @JsonProperty("StartInterval") Long startInterval,
            @JsonProperty("Retries") Integer retries) {
    }

    public ContainerConfig withUser(String v) {
        return new ContainerConfig(v, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal, argsEscaped, healthcheck, onBuild, shell);
    }

    public ContainerConfig withExposedPorts(Map<String, Map<String, Object>> v) {
        return new ContainerConfig(user, v, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal, argsEscaped, healthcheck, onBuild, shell);
    }

    public ContainerConfig withEnv(List<String> v) {
        return new ContainerConfig(user, exposedPorts, v, entrypoint, cmd, volumes, workingDir, labels, stopSignal, argsEscaped, healthcheck, onBuild, shell);
    }

    public ContainerConfig withEntrypoint(List<String> v) {
        return new ContainerConfig(user, exposedPorts, env, v, cmd, volumes, workingDir, labels, stopSignal, argsEscaped, healthcheck, onBuild, shell);
    }

    public ContainerConfig withCmd(List<String> v) {
        return new ContainerConfig(user, exposedPorts, env, entrypoint, v, volumes, workingDir, labels, stopSignal, argsEscaped, healthcheck, onBuild, shell);
    }

    public ContainerConfig withVolumes(Map<String, Map<String, Object>> v) {
        return new ContainerConfig(user, exposedPorts, env, entrypoint, cmd, v, workingDir, labels, stopSignal, argsEscaped, healthcheck, onBuild, shell);
    }

    public ContainerConfig withWorkingDir(String v) {
        return new ContainerConfig(user, exposedPorts, env, entrypoint, cmd, volumes, v, labels, stopSignal, argsEscaped, healthcheck, onBuild, shell);
    }

    public ContainerConfig withLabels(Map<String, String> v) {
        return new ContainerConfig(user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, v, stopSignal, argsEscaped, healthcheck, onBuild, shell);
    }

    public ContainerConfig withStopSignal(String v) {
        return new ContainerConfig(user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels, v, argsEscaped, healthcheck, onBuild, shell);
    }

    public ContainerConfig withHealthcheck(HealthConfig v) {
        return new ContainerConfig(user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal, argsEscaped, v, onBuild, shell);
    }

    public ContainerConfig withOnBuild(List<String> v) {
        return new ContainerConfig(user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal, argsEscaped, healthcheck, v, shell);
    }

    public ContainerConfig withShell(List<String> v) {
        return new ContainerConfig(user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal, argsEscaped, healthcheck, onBuild, v);
    }
}
