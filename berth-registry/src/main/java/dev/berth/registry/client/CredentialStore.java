package dev.berth.registry.client;

import dev.berth.registry.RegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Where credentials for a registry come from. {@link #dockerConfig()} reads Docker's {@code config.json}
 * ({@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}): {@code auths.<registry>.auth}, the base64
 * of {@code user:password} (or {@code username}/{@code password} fields). Credential helpers ({@code credHelpers},
 * {@code credsStore}) are not run yet.
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

    /** Docker's config.json, read on each lookup; a missing file means no credentials. */
    static CredentialStore dockerConfig() {
        String dir = System.getenv("DOCKER_CONFIG");
        Path file = dir != null && !dir.isEmpty() ? Path.of(dir, "config.json")
                : Path.of(System.getProperty("user.home"), ".docker", "config.json");
        return dockerConfig(file);
    }

    static CredentialStore dockerConfig(Path configJson) {
        return domain -> {
            if (!Files.isRegularFile(configJson)) {
                return Optional.empty();
            }
            JsonNode root;
            try {
                root = dev.berth.oci.json.Json.tree(Files.readAllBytes(configJson), "Docker config " + configJson);
            } catch (IOException e) {
                throw new RegistryException("cannot read " + configJson + ": " + e.getMessage(), e);
            } catch (dev.berth.oci.OciException e) {
                throw new RegistryException(e.getMessage(), e);
            }
            JsonNode auths = root.path("auths");
            if (!auths.isObject()) {
                return Optional.empty();
            }
            for (Map.Entry<String, JsonNode> entry : auths.properties()) {
                if (normalize(entry.getKey()).equals(normalize(domain))) {
                    return parseEntry(entry.getValue(), configJson, entry.getKey());
                }
            }
            return Optional.empty();
        };
    }

    private static Optional<Credentials> parseEntry(JsonNode entry, Path file, String key) {
        String auth = entry.path("auth").asString("");
        if (!auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new RegistryException("the auth of '" + key + "' in " + file + " is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new RegistryException("the auth of '" + key + "' in " + file + " is not base64 of user:password");
            }
            return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
        }
        String user = entry.path("username").asString("");
        if (!user.isEmpty()) {
            return Optional.of(new Credentials(user, entry.path("password").asString("")));
        }
        return Optional.empty();
    }

    /** Keys may be "https://index.docker.io/v1/", "registry.example:5000" or "https://registry.example:5000/". */
    private static String normalize(String key) {
        String k = key;
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            k = k.substring(scheme + 3);
        }
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        if (k.equals("index.docker.io") || k.equals("registry-1.docker.io") || k.equals("docker.io")) {
            return "docker.io";
        }
        return k;
    }
}
