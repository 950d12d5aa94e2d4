package dev.berth.oci.archive;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.digest.DigestingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes an archive reproducibly: entries sorted by name (parent directories added before their contents), one fixed
 * mtime, owner 0:0 without user or group names, modes 0755/0644. Every file's bytes are counted (and hashed, when
 * the caller knows the digest) while they are copied, so a blob that changed under the writer fails the save instead
 * of producing an archive that lies.
 */
final class ArchiveTarWriter {
    /** Opens a file's content; called once, while the entry is written. */
    interface Content {
        InputStream open() throws IOException;
    }

    /** One file of the archive: its name, exact size, the digest its bytes must have (or null) and where they come from. */
    record Item(String name, long size, Digest expected, Content content) {
        static Item bytes(String name, byte[] bytes) {
            return new Item(name, bytes.length, null, () -> new java.io.ByteArrayInputStream(bytes));
        }
    }

    private static final int BUFFER = 256 * 1024;

    private ArchiveTarWriter() {
    }

    /** Writes the items and the end-of-archive marker to {@code out}, which is flushed and left open. */
    static void write(List<Item> items, OutputStream out, long mtime) {
        TreeMap<String, Item> sorted = new TreeMap<>();
        for (Item item : items) {
            String name = ArchivePaths.normalize(item.name());
            if (!name.equals(item.name())) {
                throw new IllegalArgumentException("archive names must be normalized: " + item.name());
            }
            if (name.getBytes(StandardCharsets.US_ASCII).length >= 100 || !StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
                // Short ASCII names fit the ustar header: no PAX header, whose fields would carry the host's user name.
                throw new IllegalArgumentException("archive names must be short ASCII: " + name);
            }
            Item previous = sorted.putIfAbsent(name, item);
            if (previous != null && !(previous.size() == item.size() && java.util.Objects.equals(previous.expected(), item.expected())
                    && item.expected() != null)) {
                throw new IllegalArgumentException("archive name used twice: " + name);
            }
        }
        TreeMap<String, Item> withDirectories = new TreeMap<>(sorted);
        for (String name : sorted.keySet()) {
            for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                withDirectories.putIfAbsent(name.substring(0, slash) + "/", null);
            }
        }
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_ERROR);
        byte[] buffer = new byte[BUFFER];
        String current = null;
        try {
            for (var e : withDirectories.entrySet()) {
                current = e.getKey();
                Item item = e.getValue();
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey(), item == null ? TarArchiveEntry.LF_DIR : TarArchiveEntry.LF_NORMAL);
                entry.setModTime(FileTime.fromMillis(mtime * 1000));
                entry.setIds(0, 0);
                entry.setNames("", "");
                entry.setMode(item == null ? 040755 : 0100644);
                entry.setSize(item == null ? 0 : item.size());
                tar.putArchiveEntry(entry);
                if (item != null) {
                    copy(item, tar, buffer);
                }
                tar.closeArchiveEntry();
            }
            current = null;
            tar.finish();
            tar.flush();
        } catch (IOException e) {
            throw new OciException("cannot write the archive" + (current == null ? "" : " entry '" + current + "'") + ": " + e.getMessage(), e);
        }
    }

    private static void copy(Item item, OutputStream tar, byte[] buffer) throws IOException {
        long copied = 0;
        Digest actual;
        try (DigestingInputStream in = new DigestingInputStream(item.content().open(),
                item.expected() == null ? "sha256" : item.expected().algorithm())) {
            for (int n; copied < item.size() && (n = in.read(buffer, 0, (int) Math.min(buffer.length, item.size() - copied))) > 0; ) {
                tar.write(buffer, 0, n);
                copied += n;
            }
            if (copied == item.size() && in.read() >= 0) {
                copied++;
            }
            actual = in.digest();
        }
        if (copied != item.size()) {
            throw new OciException("'" + item.name() + "' changed while it was being saved: expected " + item.size()
                    + " bytes, found " + (copied > item.size() ? "more" : String.valueOf(copied)));
        }
        if (item.expected() != null && !item.expected().equals(actual)) {
            throw new OciException("'" + item.name() + "' has content " + actual + " but " + item.expected()
                    + " was expected: the image store is damaged (run `berth system check`)");
        }
    }
}
