package dev.berth.build.copy;

import dev.berth.oci.image.Compression;
import dev.berth.oci.layer.Compressors;
import dev.berth.oci.layer.TarReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Local tar archives as ADD sees them: recognized by content alone, never by name (the reference's rule), in any of
 * the compressions it lists (gzip, bzip2, xz, zstd) or none. A file is an archive when it decompresses and its first
 * tar header reads cleanly.
 */
final class Archives {
    private static final byte[] BZIP2 = {'B', 'Z', 'h'};
    private static final byte[] XZ = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};

    private Archives() {
    }

    /** Whether ADD would extract this regular file. */
    static boolean isArchive(Path file) {
        try (InputStream tar = open(file)) {
            return new TarReader(tar).next() != null;
        } catch (IOException | RuntimeException e) {
            return false; // not decompressible or no valid header: copied as a plain file, as Docker does
        }
    }

    /** The archive's tar stream, decompressed according to its first bytes. */
    static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), 128 * 1024);
        try {
            in.mark(8);
            byte[] head = in.readNBytes(6);
            in.reset();
            if (startsWith(head, BZIP2)) {
                return new BufferedInputStream(new BZip2CompressorInputStream(in, true), 128 * 1024);
            }
            if (startsWith(head, XZ)) {
                return new BufferedInputStream(new XZCompressorInputStream(in, true), 128 * 1024);
            }
            Compression compression = Compressors.detect(head);
            return compression == Compression.NONE ? in : Compressors.decompress(in, compression);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        return head.length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }
}
