package dev.berth.oci.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.OciException;
import dev.berth.oci.store.ImageStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image archive is untrusted input too: a PAX header that declares gigabytes must be refused from its header,
 * before any of it is read (Commons Compress would buffer it whole).
 */
class HostileArchiveHeaderTest {
    @TempDir
    Path root;

    @Test
    void aGiantPaxHeaderIsRefusedWithoutReadingIt() {
        long declared = 8L << 30; // 8 GiB of "extended header"
        long[] served = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                served[0]++;
                return 'A';
            }
        };
        InputStream archive = new SequenceInputStream(new ByteArrayInputStream(header("PaxHeaders/manifest.json", 'x', declared)), endless);
        ImageStore store = ImageStore.open(root);
        assertThatThrownBy(() -> new ImageArchiveReader(store).load(archive))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("PaxHeaders/manifest.json");
        assertThat(served[0]).as("bytes of the header read before refusing").isLessThan(1 << 20);
        assertThat(store.images()).isEmpty();
    }

    /** A ustar header block with a valid checksum. */
    private static byte[] header(String name, char type, long size) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, "00000000000");
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        return h;
    }

    private static void put(byte[] h, int offset, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, h, offset, bytes.length);
    }
}
