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
}
