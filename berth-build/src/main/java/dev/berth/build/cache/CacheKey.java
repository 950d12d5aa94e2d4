package dev.berth.build.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a step's cache key: a sha256 over labelled, length-prefixed parts (the parent's key, the instruction after
 * substitution, the build arguments it sees, the digests of the files it reads, the platform), so that no two
 * different sequences of parts can hash alike.
 */
public final class CacheKey {
    private final MessageDigest sha;

    private CacheKey(String kind) {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        part("kind", kind);
    }

    /** A new key of a kind ("step", "from", "scratch"): the kind keeps keys of different kinds apart. */
    public static CacheKey of(String kind) {
        return new CacheKey(kind);
    }

    /** Adds one labelled part. */
    public CacheKey part(String label, String value) {
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        byte[] v = (value == null ? "\u0000null" : value).getBytes(StandardCharsets.UTF_8);
        sha.update(Integer.toString(l.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(l);
        sha.update(Integer.toString(v.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(v);
        return this;
    }

    /** Adds a map's entries in key order. */
    public CacheKey parts(String label, Map<String, String> values) {
        part(label, Integer.toString(values.size()));
        new TreeMap<>(values).forEach((k, v) -> part(label + "." + k, v));
        return this;
    }

    /** The key: {@code sha256:} and 64 hex digits. */
    public String finish() {
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }
}
