package dev.berth.oci.store;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.DigestingInputStream;
import dev.berth.oci.digest.DigestingOutputStream;
import dev.berth.oci.image.Compression;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import dev.berth.oci.layer.Compressors;
import dev.berth.oci.layer.WrittenLayer;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import dev.berth.oci.layer.TarEntry;
import dev.berth.oci.layer.TarReader;

/**
 * {@code docker import}: a root filesystem tarball (plain, gzip or zstd) becomes a one-layer image. The tar's entries
 * are kept as they are; the layer is stored gzip-compressed (or as asked) and the tar is parsed while it streams, so
 * something that is not a tar is refused before any name is written.
 */
public final class RootfsImporter {
    private RootfsImporter() {
    }

    /** What to import and how to describe it. */
    public record Request(InputStream tarball, String source, ContainerConfig config, String message,
            Platform platform, Compression compression, Instant created) {
    }

    /** Imports under the lease and returns the manifest descriptor (not yet named). */
    public static Descriptor importRootfs(Lease lease, Request request) {
        WrittenLayer layer = writeLayer(lease, request.tarball(), request.source(), request.compression());
        String created = request.created().toString();
        ImageConfig.History history = new ImageConfig.History(created, null, null,
                request.message() != null ? request.message() : "Imported from " + request.source(), null);
        ImageConfig config = new ImageConfig(created, null, request.platform().architecture(), request.platform().os(),
                null, null, request.platform().variant(),
                request.config() == null || request.config().equals(ContainerConfig.EMPTY) ? null : request.config(),
                null, List.of(history));
        return ImageAssembler.assemble(lease, config, List.of(layer), null);
    }

    private static WrittenLayer writeLayer(Lease lease, InputStream input, String source, Compression compression) {
        try (BlobWriter blob = lease.writer()) {
            DigestingOutputStream uncompressedCount;
            InputStream raw = new BufferedInputStream(input, 1 << 16);
            DigestingInputStream diff = new DigestingInputStream(Compressors.decompressDetected(raw));
            try (OutputStream compressed = Compressors.compress(new NonClosing(blob), compression)) {
                uncompressedCount = new DigestingOutputStream(compressed);
                InputStream tee = new Tee(diff, uncompressedCount);
                int entries = 0;
                try {
                    // The bounded reader: a hostile tarball cannot make it buffer huge extended headers.
                    TarReader tar = new TarReader(tee);
                    for (TarEntry e; (e = tar.next()) != null; ) {
                        entries++;
                    }
                } catch (IOException | IllegalArgumentException | OciException e) {
                    throw new OciException("cannot import " + source + ": not a valid tar archive (" + e.getMessage() + ")", e);
                }
                if (entries == 0) {
                    throw new OciException("cannot import " + source + ": the archive has no entries (is it a tar?)");
                }
                tee.transferTo(OutputStream.nullOutputStream()); // the end-of-archive blocks belong to the layer too
            }
            Descriptor descriptor = blob.commit(MediaTypes.ociLayer(compression));
            return new WrittenLayer(descriptor, diff.digest(), diff.count());
        } catch (IOException e) {
            throw new OciException("cannot import " + source + ": " + e.getMessage(), e);
        }
    }

    /** Copies every byte read through it to a sink. */
    private static final class Tee extends FilterInputStream {
        private final OutputStream sink;

        Tee(InputStream in, OutputStream sink) {
            super(in);
            this.sink = sink;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                sink.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                sink.write(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[8192];
            long done = 0;
            while (done < n) {
                int r = read(buffer, 0, (int) Math.min(buffer.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    /** Lets the compressor finish its format on close without closing the blob writer, which commit closes. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
