package dev.berth.oci.layer;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A file or directory tree as a tar stream for copying (`berth cp`), not a layer: entries named below {@code top},
 * symlinks kept as links, devices, sockets and FIFOs left out, the stream left open for the caller.
 */
public final class TreeTar {
    private TreeTar() {
    }

    /**
     * @param owner the uid and gid every entry gets, or null to keep each file's own
     */
    public static void write(Path source, String top, Integer owner, OutputStream sink) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new FilterOutputStream(sink) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush(); // the sink is the caller's to close
            }
        });
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(source)) { // does not follow symlinks
            paths = walk.sorted().toList();
        }
        for (Path p : paths) {
            String relative = source.relativize(p).toString();
            String name = relative.isEmpty() ? top : top + "/" + relative;
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            TarArchiveEntry entry;
            if (a.isSymbolicLink()) {
                entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                entry.setLinkName(Files.readSymbolicLink(p).toString());
            } else if (a.isDirectory()) {
                entry = new TarArchiveEntry(name + "/");
            } else if (a.isRegularFile()) {
                entry = new TarArchiveEntry(name);
                entry.setSize(a.size());
            } else {
                continue;
            }
            entry.setMode((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
            if (owner != null) {
                entry.setIds(owner, owner);
            } else {
                entry.setIds((Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                        (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS));
            }
            entry.setModTime(a.lastModifiedTime());
            tar.putArchiveEntry(entry);
            if (a.isRegularFile()) {
                Files.copy(p, tar);
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.close();
    }
}
