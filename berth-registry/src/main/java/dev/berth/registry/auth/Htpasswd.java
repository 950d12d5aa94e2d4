package dev.berth.registry.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import dev.berth.registry.RegistryException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The users of an htpasswd file, as distribution's {@code htpasswd} auth reads it: one {@code user:hash} per line,
 * surrounding whitespace ignored, blank lines and {@code #} comments skipped. Only bcrypt hashes ({@code $2y$},
 * {@code $2a$}, {@code $2b$}, as {@code htpasswd -B} writes them) are accepted; a line with any other hash (MD5
 * {@code $apr1$}, SHA-1 {@code {SHA}}, crypt, plain text) is refused when the file is read, naming the line, instead of
 * failing every login later.
 */
public final class Htpasswd {
    /** {@code $2y$10$} then 22 characters of salt and 31 of hash in bcrypt's base64 alphabet. */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");
    private static final BCrypt.Verifyer VERIFYER =
            BCrypt.verifyer(BCrypt.Version.VERSION_2A, LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2A));

    private final Map<String, byte[]> hashes;
    /** Checked against when the user is unknown, so that an unknown user costs as much time as a wrong password. */
    private final byte[] decoy;

    private Htpasswd(Map<String, byte[]> hashes, int decoyCost) {
        this.hashes = hashes;
        this.decoy = BCrypt.withDefaults().hash(decoyCost, "berth-decoy".toCharArray());
    }

    /** Reads and checks the file; a {@link RegistryException} names the file and the line at fault. */
    public static Htpasswd load(Path file) {
        List<String> lines;
        try {
            lines = List.of(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString().split("\\R", -1));
        } catch (CharacterCodingException e) {
            throw new RegistryException("htpasswd file " + file + " is not UTF-8 text");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new RegistryException("htpasswd file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new RegistryException("cannot read htpasswd file " + file + ": " + e.getMessage(), e);
        }
        return parse(lines, file.toString());
    }

    /** Parses the lines of an htpasswd file; {@code source} names it in errors. */
    static Htpasswd parse(List<String> lines, String source) {
        Map<String, byte[]> hashes = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        int decoyCost = BCrypt.MIN_COST;
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new RegistryException("htpasswd file " + source + ", line " + number
                        + ": expected 'user:bcrypt-hash' (create entries with 'htpasswd -nbB USER PASSWORD')");
            }
            String user = line.substring(0, colon);
            String hash = line.substring(colon + 1).strip();
            var matcher = BCRYPT.matcher(hash);
            if (!matcher.matches()) {
                // never echo the hash: it is as good as a password to an offline attacker
                throw new RegistryException("htpasswd file " + source + ", line " + number + " (user '" + user + "'): "
                        + describe(hash) + "; only bcrypt hashes ($2y$, $2a$, $2b$) are supported, create them with"
                        + " 'htpasswd -nbB " + user + " PASSWORD'");
            }
            int cost = Integer.parseInt(matcher.group(1));
            if (cost < BCrypt.MIN_COST || cost > BCrypt.MAX_COST) {
                throw new RegistryException("htpasswd file " + source + ", line " + number + " (user '" + user
                        + "'): bcrypt cost " + cost + " is outside " + BCrypt.MIN_COST + "-" + BCrypt.MAX_COST);
            }
            Integer earlier = lineOf.putIfAbsent(user, number);
            if (earlier != null) {
                throw new RegistryException("htpasswd file " + source + ", line " + number + ": user '" + user
                        + "' appears again (first on line " + earlier + ")");
            }
            hashes.put(user, hash.getBytes(StandardCharsets.US_ASCII));
            decoyCost = Math.max(decoyCost, cost);
        }
        return new Htpasswd(Map.copyOf(hashes), decoyCost);
    }

    private static String describe(String hash) {
        if (hash.startsWith("$apr1$")) {
            return "the hash is Apache MD5 ($apr1$)";
        }
        if (hash.startsWith("{SHA}")) {
            return "the hash is SHA-1 ({SHA})";
        }
        if (hash.startsWith("$1$") || hash.startsWith("$5$") || hash.startsWith("$6$")) {
            return "the hash is crypt(3) " + hash.substring(0, 3);
        }
        if (hash.startsWith("$2")) {
            return "the bcrypt hash is malformed";
        }
        return hash.isEmpty() ? "the hash is empty" : "the hash is not bcrypt";
    }

    /** Number of users. */
    public int size() {
        return hashes.size();
    }

    /**
     * Whether the password is the user's. Slow by design (bcrypt); an unknown user takes as long as a wrong password
     * and neither says which part was wrong.
     */
    public boolean verify(String user, String password) {
        byte[] hash = hashes.get(user);
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        try {
            boolean verified = VERIFYER.verify(secret, hash != null ? hash : decoy).verified;
            return verified && hash != null;
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
    }
}
