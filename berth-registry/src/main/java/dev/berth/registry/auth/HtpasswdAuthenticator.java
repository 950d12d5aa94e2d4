package dev.berth.registry.auth;

import dev.berth.registry.RegistryException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks {@code Authorization: Basic} headers against an htpasswd file.
 *
 * <p>The file is read at construction (an invalid file is a start-up error) and again whenever its modification time
 * or size changes, looked at no more than once a second; a changed file that no longer parses is logged and the users
 * read before stay in force, so a half-saved edit cannot lock everyone out or let everyone in.
 *
 * <p>bcrypt costs tens of milliseconds by design, and a client sends the same header with every request of a push or
 * pull. A successful check is therefore remembered for {@link #CACHE_TTL}, keyed by the SHA-256 of the header value,
 * never by the password; the memory is cleared whenever the file is read again. Failures are not remembered.
 */
public final class HtpasswdAuthenticator {
    static final Duration CACHE_TTL = Duration.ofSeconds(60);
    private static final Duration RECHECK = Duration.ofSeconds(1);
    private static final int CACHE_LIMIT = 10_000;
    private static final System.Logger LOG = System.getLogger(HtpasswdAuthenticator.class.getName());

    private final Path file;
    private final Clock clock;
    private final Map<String, Remembered> verified = new ConcurrentHashMap<>();
    private volatile State state;
    private volatile Instant nextCheck;

    private record State(Htpasswd users, FileTime modified, long size) {
    }

    private record Remembered(String user, Instant expires, State state) {
    }

    public HtpasswdAuthenticator(Path file) {
        this(file, Clock.systemUTC());
    }

    HtpasswdAuthenticator(Path file, Clock clock) {
        this.file = file.toAbsolutePath();
        this.clock = clock;
        this.state = read();
        this.nextCheck = clock.instant().plus(RECHECK);
    }

    /** The file the users come from. */
    public Path file() {
        return file;
    }

    /** The user the header proves, or empty when it is absent, malformed or wrong. */
    public Optional<String> authenticate(String authorization) {
        Optional<BasicCredentials> credentials = BasicCredentials.parse(authorization);
        if (credentials.isEmpty()) {
            return Optional.empty();
        }
        State current = current();
        Instant now = clock.instant();
        String key = sha256(authorization);
        Remembered remembered = verified.get(key);
        if (remembered != null && remembered.state == current && now.isBefore(remembered.expires)) {
            return Optional.of(remembered.user);
        }
        BasicCredentials given = credentials.get();
        if (!current.users.verify(given.user(), given.password())) {
            verified.remove(key);
            return Optional.empty();
        }
        if (verified.size() >= CACHE_LIMIT) {
            verified.values().removeIf(r -> !now.isBefore(r.expires) || r.state != current);
            if (verified.size() >= CACHE_LIMIT) {
                verified.clear();
            }
        }
        verified.put(key, new Remembered(given.user(), now.plus(CACHE_TTL), current));
        return Optional.of(given.user());
    }

    /** The users in force, re-reading the file when it changed since last looked at. */
    private State current() {
        Instant now = clock.instant();
        if (now.isBefore(nextCheck)) {
            return state;
        }
        synchronized (this) {
            if (now.isBefore(nextCheck)) {
                return state;
            }
            nextCheck = now.plus(RECHECK);
            State known = state;
            try {
                if (Files.getLastModifiedTime(file).equals(known.modified) && Files.size(file) == known.size) {
                    return known;
                }
                state = read();
                verified.clear();
                LOG.log(Level.INFO, "re-read htpasswd file " + file + ": " + state.users.size() + " users");
            } catch (IOException | RegistryException e) {
                LOG.log(Level.ERROR, "keeping the users read before: " + e.getMessage());
            }
            return state;
        }
    }

    private State read() {
        try {
            // the time and size first: a change during the read is then seen at the next look
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            return new State(Htpasswd.load(file), modified, size);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new RegistryException("htpasswd file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new RegistryException("cannot read htpasswd file " + file + ": " + e.getMessage(), e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
