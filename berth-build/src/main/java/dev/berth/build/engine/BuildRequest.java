package dev.berth.build.engine;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to build and how: everything {@code berth build}'s command line says, already read and checked for form.
 *
 * @param context the build context directory
 * @param dockerfileName how errors name the Dockerfile ("Dockerfile", "app/Dockerfile.dev")
 * @param dockerfileText the Dockerfile's text
 * @param dockerfilePath the Dockerfile on disk, which picks the ignore file ({@code NAME.dockerignore} beside it wins
 *     over the context's {@code .dockerignore}); null when it came from stdin
 * @param tags names to give the image (none: it is stored by digest only)
 * @param buildArgs {@code --build-arg} values, in the order given
 * @param target the stage to build ({@code --target}), or null for the last one
 * @param noCache run every step, reusing nothing
 * @param pull resolve every base image again from its registry
 * @param labels {@code --label}s added to the image
 * @param hostNetwork RUN steps use the host's network (the default, as docker build); false: none
 * @param sourceDateEpoch reproducible build time in seconds ({@code SOURCE_DATE_EPOCH} or {@code --reproducible}),
 *     or null for an ordinary build stamped with the current time
 * @param secrets {@code --secret id=…,src=…}: secret id to the host file
 * @param platform the target platform ({@code --platform}), or null for this host's
 * @param baseImagePins a base image reference (normalized: {@code docker.io/library/busybox:latest}) to the manifest
 *     digest a lock file pins it at for the target platform; such images are resolved by that digest
 * @param urlPins an ADD URL to the "sha256:…" a lock file pins its content at
 */
public record BuildRequest(Path context, String dockerfileName, String dockerfileText, Path dockerfilePath,
                           List<String> tags, Map<String, String> buildArgs, String target, boolean noCache, boolean pull,
                           Map<String, String> labels, boolean hostNetwork, Long sourceDateEpoch,
                           Map<String, Path> secrets, String platform, Map<String, String> baseImagePins,
                           Map<String, String> urlPins) {
    public BuildRequest {
        tags = List.copyOf(tags);
        buildArgs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(buildArgs));
        labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        secrets = Map.copyOf(secrets);
        baseImagePins = Map.copyOf(baseImagePins);
        urlPins = Map.copyOf(urlPins);
    }

    /** A request with defaults: no tags, args, labels or secrets; host network; not reproducible. */
    public static BuildRequest of(Path context, String dockerfileName, String dockerfileText) {
        return new BuildRequest(context, dockerfileName, dockerfileText, null, List.of(), Map.of(), null, false, false,
                Map.of(), true, null, Map.of(), null, Map.of(), Map.of());
    }

    public BuildRequest withTags(List<String> v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerfilePath, v, buildArgs, target, noCache, pull, labels, hostNetwork, sourceDateEpoch, secrets, platform, baseImagePins, urlPins);
    }

    public BuildRequest withBuildArgs(Map<String, String> v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerfilePath, tags, v, target, noCache, pull, labels, hostNetwork, sourceDateEpoch, secrets, platform, baseImagePins, urlPins);
    }

    public BuildRequest withTarget(String v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerfilePath, tags, buildArgs, v, noCache, pull, labels, hostNetwork, sourceDateEpoch, secrets, platform, baseImagePins, urlPins);
    }

    public BuildRequest withNoCache(boolean v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerfilePath, tags, buildArgs, target, v, pull, labels, hostNetwork, sourceDateEpoch, secrets, platform, baseImagePins, urlPins);
    }

    public BuildRequest withPull(boolean v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerfilePath, tags, buildArgs, target, noCache, v, labels, hostNetwork, sourceDateEpoch, secrets, platform, baseImagePins, urlPins);
    }

    public BuildRequest withLabels(Map<String, String> v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerfilePath, tags, buildArgs, target, noCache, pull, v, hostNetwork, sourceDateEpoch, secrets, platform, baseImagePins, urlPins);
    }

    public BuildRequest withHostNetwork(boolean v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerfilePath, tags, buildArgs, target, noCache, pull, labels, v, sourceDateEpoch, secrets, platform, baseImagePins, urlPins);
    }

    public BuildRequest withSourceDateEpoch(Long v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerfilePath, tags, buildArgs, target, noCache, pull, labels, hostNetwork, v, secrets, platform, baseImagePins, urlPins);
    }

    public BuildRequest withSecrets(Map<String, Path> v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerfilePath, tags, buildArgs, target, noCache, pull, labels, hostNetwork, sourceDateEpoch, v, platform, baseImagePins, urlPins);
    }

    public BuildRequest withPlatform(String v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerfilePath, tags, buildArgs, target, noCache, pull, labels, hostNetwork, sourceDateEpoch, secrets, v, baseImagePins, urlPins);
    }

    public BuildRequest withDockerfilePath(Path v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, v, tags, buildArgs, target, noCache, pull, labels, hostNetwork, sourceDateEpoch, secrets, platform, baseImagePins, urlPins);
    }

    public BuildRequest withUrlPins(Map<String, String> v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerfilePath, tags, buildArgs, target, noCache, pull, labels, hostNetwork, sourceDateEpoch, secrets, platform, baseImagePins, v);
    }

    public BuildRequest withBaseImagePins(Map<String, String> v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerfilePath, tags, buildArgs, target, noCache, pull, labels, hostNetwork, sourceDateEpoch, secrets, platform, v, urlPins);
    }
}
