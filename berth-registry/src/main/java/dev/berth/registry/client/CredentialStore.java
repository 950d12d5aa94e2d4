package dev.berth.registry.client;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where credentials for a registry come from. {@link #dockerConfig()} reads Docker's {@code config.json}
 * ({@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}): {@code auths.<registry>.auth}, the base64
 * of {@code user:password} (or {@code username}/{@code password} fields), or, when {@code credHelpers} names a
 * helper for the registry or {@code credsStore} names one for all, the helper program's {@code get}
 * (see {@link CredentialHelper}); a helper that is missing or fails is an error that names it.
 */
@FunctionalInterface
public interface CredentialStore {
    /** Credentials for a registry domain as written in references ({@code docker.io}, {@code host:port}). */
    Optional<Credentials> lookup(String domain);

    static CredentialStore none() {
        return domain -> Optional.empty();
    }

    static CredentialStore of(Map<String, Credentials> byDomain) {
        Map<String, Credentials> copy = Map.copyOf(byDomain);
        return domain -> Optional.ofNullable(copy.get(domain));
    }

    /**
     * Docker's config.json, read on each lookup; a missing file means no credentials. Where it is: see
     * {@link DockerConfig#locate()} ({@code $DOCKER_CONFIG}, else {@code ~/.docker}).
     */
    static CredentialStore dockerConfig() {
        return DockerConfig.locate().store();
    }

    /** A given config.json (helpers on the PATH). */
    static CredentialStore dockerConfig(Path configJson) {
        return new DockerConfig(configJson, null).store();
    }
}
