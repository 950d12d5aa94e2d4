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
 * @param dockerignoreText the {@code .dockerignore} that applies (or null for none)
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
 * @param baseImagePins a base image reference (as written in FROM or COPY --from, after substitution) to the digest a
 *     lock file pins it at; such images are resolved by digest
 */
public record BuildRequest(Path context, String dockerfileName, String dockerfileText, String dockerignoreText,
                           List<String> tags, Map<String, String> buildArgs, String target, boolean noCache, boolean pull,
                           Map<String, String> labels, boolean hostNetwork, Long sourceDateEpoch,
                           Map<String, Path> secrets, String platform, Map<String, String> baseImagePins) {
    public BuildRequest {
        tags = List.copyOf(tags);
        buildArgs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(buildArgs));
        labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        secrets = Map.copyOf(secrets);
        baseImagePins = Map.copyOf(baseImagePins);
    }

    /** A request with defaults: no tags, args, labels or secrets; host network; not reproducible. */
    public static BuildRequest of(Path context, String dockerfileName, String dockerfileText) {
        return new BuildRequest(context, dockerfileName, dockerfileText, null, List.of(), Map.of(), null, false, false,
                Map.of(), true, null, Map.of(), null, Map.of());
    }

    public BuildRequest withTags(List<String> v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerignoreText, v, buildArgs, target, noCache, pull, labels, hostNetwork, sourceDateEpoch, secrets, platform, baseImagePins);
    }

    public BuildRequest withBuildArgs(Map<String, String> v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerignoreText, tags, v, target, noCache, pull, labels, hostNetwork, sourceDateEpoch, secrets, platform, baseImagePins);
    }

    public BuildRequest withTarget(String v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerignoreText, tags, buildArgs, v, noCache, pull, labels, hostNetwork, sourceDateEpoch, secrets, platform, baseImagePins);
    }

    public BuildRequest withNoCache(boolean v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerignoreText, tags, buildArgs, target, v, pull, labels, hostNetwork, sourceDateEpoch, secrets, platform, baseImagePins);
    }

    public BuildRequest withPull(boolean v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerignoreText, tags, buildArgs, target, noCache, v, labels, hostNetwork, sourceDateEpoch, secrets, platform, baseImagePins);
    }

    public BuildRequest withLabels(Map<String, String> v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerignoreText, tags, buildArgs, target, noCache, pull, v, hostNetwork, sourceDateEpoch, secrets, platform, baseImagePins);
    }

    public BuildRequest withHostNetwork(boolean v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerignoreText, tags, buildArgs, target, noCache, pull, labels, v, sourceDateEpoch, secrets, platform, baseImagePins);
    }

    public BuildRequest withSourceDateEpoch(Long v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerignoreText, tags, buildArgs, target, noCache, pull, labels, hostNetwork, v, secrets, platform, baseImagePins);
    }

    public BuildRequest withSecrets(Map<String, Path> v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerignoreText, tags, buildArgs, target, noCache, pull, labels, hostNetwork, sourceDateEpoch, v, platform, baseImagePins);
    }

    public BuildRequest withPlatform(String v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerignoreText, tags, buildArgs, target, noCache, pull, labels, hostNetwork, sourceDateEpoch, secrets, v, baseImagePins);
    }

    public BuildRequest withDockerignore(String v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, v, tags, buildArgs, target, noCache, pull, labels, hostNetwork, sourceDateEpoch, secrets, platform, baseImagePins);
    }

    public BuildRequest withBaseImagePins(Map<String, String> v) {
        return new BuildRequest(context, dockerfileName, dockerfileText, dockerignoreText, tags, buildArgs, target, noCache, pull, labels, hostNetwork, sourceDateEpoch, secrets, platform, v);
    }
}
