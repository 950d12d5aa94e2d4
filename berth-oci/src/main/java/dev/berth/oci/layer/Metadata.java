package dev.berth.oci.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/** Applies tar metadata to an extracted path without ever following a symlink. */
final class Metadata {
    private Metadata() {
    }

    /**
     * Sets all permission bits, setuid/setgid/sticky included (PosixFilePermission cannot express those). The JDK's
     * "unix:mode" follows symlinks even with NOFOLLOW_LINKS, so it is never called on one.
     */
    static void chmod(Path path, int mode) throws IOException {
        if (!Files.isSymbolicLink(path)) {
            Files.setAttribute(path, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** lchown; done before chmod because chown clears setuid/setgid bits. */
    static void chown(Path path, long uid, long gid) throws IOException {
        Files.setAttribute(path, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
    }

    static void mtime(Path path, long seconds) throws IOException {
        FileTime time = FileTime.from(seconds, TimeUnit.SECONDS);
        Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(time, null, null);
    }

    static void apply(Path path, TarEntry entry, boolean owner, boolean mode) throws IOException {
        if (owner) {
            chown(path, entry.uid(), entry.gid());
        }
        if (mode) {
            chmod(path, entry.mode());
        }
        mtime(path, entry.mtime());
    }
}
