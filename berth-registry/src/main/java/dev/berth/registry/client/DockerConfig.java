package dev.berth.registry.client;

import dev.berth.oci.json.Json;
import dev.berth.registry.RegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Docker's {@code config.json} as far as credentials go: {@code auths.<server>.auth} (base64 of {@code user:password}),
 * {@code credHelpers} (a helper per registry) and {@code credsStore} (a helper for all others). Where it is:
 * the system property {@value #CONFIG_PROPERTY} (a directory, for tests and embedding), else {@code $DOCKER_CONFIG},
 * else {@code ~/.docker}. Writes replace the file atomically (mode 0600) and leave every key Berth does not manage as
 * it was. Credential helper programs are looked up in the directory the system property {@value #HELPERS_PROPERTY}
 * names, if any, then on the PATH.
 *
 * @param file the config.json
 * @param helperDirectory searched first for {@code docker-credential-*}; may be null
 */
public record DockerConfig(Path file, Path helperDirectory) {
    /** The key Docker stores Docker Hub's credentials under. */
    public static final String DOCKER_HUB_SERVER = "https://index.docker.io/v1/";
    public static final String CONFIG_PROPERTY = "berth.docker.config";
    public static final String HELPERS_PROPERTY = "berth.credential.helpers";

    /** The config of this process: the system property, $DOCKER_CONFIG, ~/.docker. */
    public static DockerConfig locate() {
        String property = System.getProperty(CONFIG_PROPERTY);
        String env = System.getenv("DOCKER_CONFIG");
        Path dir = property != null && !property.isEmpty() ? Path.of(property)
                : env != null && !env.isEmpty() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".docker");
        String helpers = System.getProperty(HELPERS_PROPERTY);
        return new DockerConfig(dir.resolve("config.json"), helpers == null || helpers.isEmpty() ? null : Path.of(helpers));
    }

    public static DockerConfig inDirectory(Path dir) {
        return new DockerConfig(dir.resolve("config.json"), null);
    }

    /**
     * The registry domain a login argument means: {@code docker.io} for Docker Hub's names, the host[:port] otherwise
     * ({@code https://host:5000/v2/} gives {@code host:5000}).
     */
    public static String domainOf(String registry) {
        if (registry == null || registry.isBlank()) {
            return "docker.io";
        }
        String domain = normalize(registry.strip());
        if (domain.isEmpty()) {
            throw new RegistryException("invalid registry '" + registry + "'");
        }
        return domain;
    }

    /** The key a domain's credentials go under, in auths and for helpers: Docker Hub's URL, else the domain. */
    public static String serverKey(String domain) {
        return domain.equals("docker.io") ? DOCKER_HUB_SERVER : domain;
    }

    /** Keys may be "https://index.docker.io/v1/", "registry.example:5000" or "https://registry.example:5000/". */
    static String normalize(String key) {
        String k = key;
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            k = k.substring(scheme + 3);
        }
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        k = k.toLowerCase(java.util.Locale.ROOT);
        if (k.equals("index.docker.io") || k.equals("registry-1.docker.io") || k.equals("docker.io")) {
            return "docker.io";
        }
        return k;
    }

    /** As a CredentialStore (read on every lookup). */
    public CredentialStore store() {
        return this::get;
    }

    /** The parsed file; an empty object when there is none. */
    ObjectNode read() {
        if (!Files.exists(file)) {
            return JsonNodeFactory.instance.objectNode();
        }
        JsonNode root;
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
                return JsonNodeFactory.instance.objectNode();
            }
            root = Json.tree(bytes, "Docker config " + file);
        } catch (IOException e) {
            throw new RegistryException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (dev.berth.oci.OciException e) {
            throw new RegistryException(e.getMessage(), e);
        }
        if (!(root instanceof ObjectNode object)) {
            throw new RegistryException("malformed Docker config " + file + ": not a JSON object");
        }
        return object;
    }

    /** The helper for a domain: its credHelpers entry, else credsStore; empty when credentials live in the file. */
    public Optional<CredentialHelper> helperFor(String domain) {
        return helperFor(read(), domain);
    }

    private Optional<CredentialHelper> helperFor(ObjectNode root, String domain) {
        String wanted = normalize(domain);
        JsonNode helpers = root.path("credHelpers");
        if (helpers.isObject()) {
            for (Map.Entry<String, JsonNode> entry : helpers.properties()) {
                String name = entry.getValue().asString("");
                if (normalize(entry.getKey()).equals(wanted) && !name.isEmpty()) {
                    return Optional.of(new CredentialHelper(name, helperDirectory));
                }
            }
        }
        String store = root.path("credsStore").asString("");
        return store.isEmpty() ? Optional.empty() : Optional.of(new CredentialHelper(store, helperDirectory));
    }

    /** Credentials for a domain: from its helper when one is configured, else from auths. */
    public Optional<Credentials> get(String domain) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        ObjectNode root = read();
        Optional<CredentialHelper> helper = helperFor(root, domain);
        if (helper.isPresent()) {
            return helper.get().get(serverKey(normalize(domain)));
        }
        return fromFile(root, domain);
    }

    private Optional<Credentials> fromFile(ObjectNode root, String domain) {
        JsonNode auths = root.path("auths");
        if (!auths.isObject()) {
            return Optional.empty();
        }
        for (Map.Entry<String, JsonNode> entry : auths.properties()) {
            if (normalize(entry.getKey()).equals(normalize(domain))) {
                Optional<Credentials> found = parseEntry(entry.getValue(), entry.getKey());
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Credentials> parseEntry(JsonNode entry, String key) {
        String identityToken = entry.path("identitytoken").asString("");
        Optional<Credentials> found = parseUserAndPassword(entry, key);
        if (identityToken.isEmpty()) {
            return found;
        }
        return Optional.of(found.map(c -> new Credentials(c.username(), c.password(), identityToken))
                .orElse(Credentials.identityToken(identityToken)));
    }

    private Optional<Credentials> parseUserAndPassword(JsonNode entry, String key) {
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

    /**
     * Stores credentials for a domain: through its helper (the file then keeps an empty {@code auths} entry, as
     * Docker's does, so the login is listed), else as base64 {@code user:password} in {@code auths}.
     */
    public void store(String domain, Credentials credentials) {
        ObjectNode root = read();
        String key = serverKey(normalize(domain));
        Optional<CredentialHelper> helper = helperFor(root, domain);
        helper.ifPresent(h -> h.store(key, credentials));
        ObjectNode auths = root.get("auths") instanceof ObjectNode existing ? existing : root.putObject("auths");
        removeAliases(auths, domain, key);
        ObjectNode entry = auths.get(key) instanceof ObjectNode e ? e : JsonNodeFactory.instance.objectNode();
        entry.remove(List.of("auth", "username", "password", "identitytoken"));
        if (helper.isEmpty()) {
            String auth = Base64.getEncoder().encodeToString(
                    (credentials.username() + ":" + credentials.password()).getBytes(StandardCharsets.UTF_8));
            entry.put("auth", auth);
            if (credentials.hasIdentityToken()) {
                entry.put("identitytoken", credentials.identityToken());
            }
        }
        auths.set(key, entry);
        write(root);
    }

    /**
     * Removes a domain's credentials: its {@code auths} entries (under any spelling of the server) and what its
     * helper holds. False when there were none.
     */
    public boolean erase(String domain) {
        if (!Files.exists(file)) {
            return false;
        }
        ObjectNode root = read();
        String key = serverKey(normalize(domain));
        boolean found = false;
        Optional<CredentialHelper> helper = helperFor(root, domain);
        if (helper.isPresent() && helper.get().get(key).isPresent()) {
            helper.get().erase(key);
            found = true;
        }
        if (root.get("auths") instanceof ObjectNode auths) {
            int before = auths.size();
            removeAliases(auths, domain, null);
            if (auths.size() != before) {
                found = true;
                write(root);
            }
        }
        return found;
    }

    private static void removeAliases(ObjectNode auths, String domain, String keep) {
        List<String> stale = new ArrayList<>();
        for (String name : auths.propertyNames()) {
            if (normalize(name).equals(normalize(domain)) && !name.equals(keep)) {
                stale.add(name);
            }
        }
        auths.remove(stale);
    }

    /** Replaces the file atomically: a 0600 temporary file beside it, renamed over it (a symlink's target is replaced). */
    void write(ObjectNode root) {
        try {
            Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file;
            Path dir = target.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                try {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (UnsupportedOperationException e) {
                    Files.createDirectories(dir);
                }
            }
            Path temp;
            try {
                temp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                temp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
            }
            try {
                byte[] bytes = (Json.pretty(root).replace("\r\n", "\n") + "\n").getBytes(StandardCharsets.UTF_8);
                try (var channel = java.nio.channels.FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    channel.write(java.nio.ByteBuffer.wrap(bytes));
                    channel.force(true);
                }
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new RegistryException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
