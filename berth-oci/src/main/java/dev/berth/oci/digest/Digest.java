package dev.berth.oci.digest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.berth.oci.OciException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest as the OCI image spec defines it: {@code algorithm ":" encoded}. Berth computes and verifies
 * sha256 and sha512, the two registered algorithms; their encodings must be lower-case hex of the exact length.
 */
public record Digest(String algorithm, String encoded) implements Comparable<Digest> {
    private static final Pattern ALGORITHM = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*");
    private static final Pattern HEX = Pattern.compile("[a-f0-9]+");

    public Digest {
        int expected = switch (algorithm) {
            case "sha256" -> 64;
            case "sha512" -> 128;
            default -> throw new OciException("unsupported digest algorithm '" + algorithm + "' (Berth supports sha256 and sha512)");
        };
        if (encoded.length() != expected || !HEX.matcher(encoded).matches()) {
            throw new OciException("invalid " + algorithm + " digest '" + encoded + "': expected " + expected
                    + " lower-case hex characters");
        }
    }

    /** Parses {@code sha256:<64 hex>} or {@code sha512:<128 hex>}. */
    @JsonCreator
    public static Digest parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new OciException("invalid digest '" + text + "': expected ALGORITHM:HEX, for example sha256:<64 hex characters>");
        }
        String algorithm = text.substring(0, colon);
        if (!ALGORITHM.matcher(algorithm).matches()) {
            throw new OciException("invalid digest '" + text + "': bad algorithm name '" + algorithm + "'");
        }
        return new Digest(algorithm, text.substring(colon + 1));
    }

    public static Digest sha256(byte[] content) {
        return new Digest("sha256", HexFormat.of().formatHex(newMessageDigest("sha256").digest(content)));
    }

    public static Digest of(String algorithm, byte[] rawDigest) {
        return new Digest(algorithm, HexFormat.of().formatHex(rawDigest));
    }

    public static MessageDigest newMessageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(switch (algorithm) {
                case "sha256" -> "SHA-256";
                case "sha512" -> "SHA-512";
                default -> throw new OciException("unsupported digest algorithm '" + algorithm + "'");
            });
        } catch (NoSuchAlgorithmException e) {
            throw new OciException("the JDK lacks " + algorithm, e);
        }
    }

    /** A fresh hasher for this digest's algorithm. */
    public MessageDigest newMessageDigest() {
        return newMessageDigest(algorithm);
    }

    /** The first 12 hex characters, as Docker shows image IDs. */
    public String shortHex() {
        return encoded.substring(0, 12);
    }

    @JsonValue
    @Override
    public String toString() {
        return algorithm + ":" + encoded;
    }

    @Override
    public int compareTo(Digest other) {
        return toString().compareTo(other.toString());
    }
}
