package dev.berth.daemon.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.oci.image.ContainerConfig;
import java.util.List;
import java.util.Map;

/** {@code GET /containers/{id}/json}: Docker's ContainerInspectResponse, the fields Berth has. */
public record ContainerInspect(
        @JsonProperty("Id") String id,
        @JsonProperty("Created") String created,
        @JsonProperty("Path") String path,
        @JsonProperty("Args") List<String> args,
        @JsonProperty("State") ContainerState state,
        @JsonProperty("Image") String image,
        @JsonProperty("ResolvConfPath") String resolvConfPath,
        @JsonProperty("HostnamePath") String hostnamePath,
        @JsonProperty("HostsPath") String hostsPath,
        @JsonProperty("LogPath") String logPath,
        @JsonProperty("Name") String name,
        @JsonProperty("RestartCount") int restartCount,
        @JsonProperty("Driver") String driver,
        @JsonProperty("Config") Config config,
        @JsonProperty("HostConfig") HostConfig hostConfig,
        @JsonProperty("NetworkSettings") NetworkSettings networkSettings,
        @JsonProperty("Mounts") List<MountPoint> mounts) {

    /** The container's effective configuration: the image's, with the request's overrides applied. */
    public record Config(
            @JsonProperty("Hostname") String hostname,
            @JsonProperty("User") String user,
            @JsonProperty("Env") List<String> env,
            @JsonProperty("Cmd") List<String> cmd,
            @JsonProperty("Entrypoint") List<String> entrypoint,
            @JsonProperty("Image") String image,
            @JsonProperty("WorkingDir") String workingDir,
            @JsonProperty("Labels") Map<String, String> labels,
            @JsonProperty("ExposedPorts") Map<String, Map<String, Object>> exposedPorts,
            @JsonProperty("StopSignal") String stopSignal,
            @JsonProperty("StopTimeout") Integer stopTimeout,
            @JsonProperty("Healthcheck") ContainerConfig.HealthConfig healthcheck) {
    }

    public record NetworkSettings(
            @JsonProperty("Ports") Map<String, List<HostConfig.PortBinding>> ports,
            @JsonProperty("IPAddress") String ipAddress,
            @JsonProperty("IPPrefixLen") int ipPrefixLen,
            @JsonProperty("Gateway") String gateway,
            @JsonProperty("MacAddress") String macAddress,
            @JsonProperty("Networks") Map<String, EndpointSettings> networks) {
    }

    public record EndpointSettings(@JsonProperty("IPAddress") String ipAddress, @JsonProperty("IPPrefixLen") int ipPrefixLen,
                                   @JsonProperty("Gateway") String gateway, @JsonProperty("MacAddress") String macAddress,
                                   @JsonProperty("Aliases") List<String> aliases) {
    }

    public record MountPoint(@JsonProperty("Type") String type, @JsonProperty("Source") String source,
                             @JsonProperty("Destination") String destination, @JsonProperty("RW") boolean rw) {
    }
}
