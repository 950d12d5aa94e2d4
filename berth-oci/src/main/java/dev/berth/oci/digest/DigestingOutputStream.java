package dev.berth.oci.digest;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/** Passes bytes through while hashing and counting them, so a blob's digest and size are known the moment it is written. */
public final class DigestingOutputStream extends FilterOutputStream {
    private final MessageDigest hasher;
    private final String algorithm;
    private long count;

    public DigestingOutputStream(OutputStream out, String algorithm) {
        super(out);
        this.algorithm = algorithm;
        this.hasher = Digest.newMessageDigest(algorithm);
    }

    public DigestingOutputStream(OutputStream out) {
        this(out, "sha256");
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        hasher.update((byte) b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        hasher.update(b, off, len);
        count += len;
    }

    public long count() {
        return count;
    }

    /** The digest of everything written so far; call once, after the last write. */
    public Digest digest() {
        return Digest.of(algorithm, hasher.digest());
    }
}
