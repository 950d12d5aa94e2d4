package dev.berth.oci.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Reads small archives into memory and writes (tampered) ones back, for tests. */
final class TestTars {
    private TestTars() {
    }

    /** One entry: name, tar type flag, link target (links) and content (files). */
    record Entry(String name, byte type, String link, byte[] content) {
        static Entry file(String name, byte[] content) {
            return new Entry(name, TarArchiveEntry.LF_NORMAL, null, content);
        }

        static Entry symlink(String name, String target) {
            return new Entry(name, TarArchiveEntry.LF_SYMLINK, target, new byte[0]);
        }

        Entry withContent(byte[] newContent) {
            return new Entry(name, type, link, newContent);
        }
    }

    static List<Entry> read(Path archive) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (InputStream in = Files.newInputStream(archive); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                byte type = e.isDirectory() ? TarArchiveEntry.LF_DIR : e.isSymbolicLink() ? TarArchiveEntry.LF_SYMLINK
                        : e.isLink() ? TarArchiveEntry.LF_LINK : TarArchiveEntry.LF_NORMAL;
                entries.add(new Entry(e.getName(), type, e.getLinkName(), tar.readAllBytes()));
            }
        }
        return entries;
    }

    static byte[] bytes(List<Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write(entries, bytes);
        return bytes.toByteArray();
    }

    static void write(List<Entry> entries, Path archive) throws IOException {
        try (OutputStream out = Files.newOutputStream(archive)) {
            write(entries, out);
        }
    }

    static void write(List<Entry> entries, OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        for (Entry e : entries) {
            TarArchiveEntry entry = new TarArchiveEntry(e.name(), e.type(), true);
            if (e.link() != null && !e.link().isEmpty()) {
                entry.setLinkName(e.link());
            }
            if (e.type() == TarArchiveEntry.LF_NORMAL) {
                entry.setSize(e.content().length);
            }
            tar.putArchiveEntry(entry);
            if (e.type() == TarArchiveEntry.LF_NORMAL) {
                tar.write(e.content());
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }

    static Entry find(List<Entry> entries, String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no entry " + name + " in " + entries.stream().map(Entry::name).toList()));
    }
}
