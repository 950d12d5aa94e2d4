package dev.berth.daemon.engine;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.daemon.api.ContainerInspect;
import dev.berth.daemon.api.HostConfig;
import java.util.List;

/**
 * What a container is, fixed at create: written once to {@code containers/ID/container.json}. What happens to it
 * (running, exit codes, restarts) is {@link StoredState}, rewritten as it changes.
 *
 * @param image the image as the user named it
 * @param imageId the image's ID (its config digest)
 * @param manifestDigest the manifest whose layers make the root filesystem
 * @param chainIds the unpacked layers it stands on, bottom first (kept alive against snapshot pruning)
 */
public record ContainerRecord(
        @JsonProperty("Id") String id,
        @JsonProperty("Name") String name,
        @JsonProperty("Created") String created,
        @JsonProperty("Image") String image,
        @JsonProperty("ImageID") String imageId,
        @JsonProperty("ManifestDigest") String manifestDigest,
        @JsonProperty("ChainIDs") List<String> chainIds,
        @JsonProperty("Path") String path,
        @JsonProperty("Args") List<String> args,
        @JsonProperty("Config") ContainerInspect.Config config,
        @JsonProperty("HostConfig") HostConfig hostConfig) {

    public List<String> argv() {
        List<String> argv = new java.util.ArrayList<>();
        argv.add(path);
        argv.addAll(args);
        return argv;
    }
}
