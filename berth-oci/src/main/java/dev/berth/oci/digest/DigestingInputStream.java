package dev.berth.oci.digest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Hashes and counts what is read through it. */
public final class DigestingInputStream extends FilterInputStream {
    private final MessageDigest hasher;
    private final String algorithm;
    private long count;

    public DigestingInputStream(InputStream in, String algorithm) {
        super(in);
        this.algorithm = algorithm;
        this.hasher = Digest.newMessageDigest(algorithm);
    }

    public DigestingInputStream(InputStream in) {
        this(in, "sha256");
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            hasher.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            hasher.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipping would leave bytes unhashed: read them instead.
        byte[] buffer = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    public long count() {
        return count;
    }

    public Digest digest() {
        return Digest.of(algorithm, hasher.digest());
    }
}
