package dev.berth.oci.layer;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One entry to put in a layer: where it goes ({@code path}, relative to the layer root, '/'-separated) and what it
 * is. Regular files take their content from a {@code source} file or from {@code content} bytes. Modification times
 * are not part of an entry: the writer stamps every entry with {@link LayerOptions#mtime()} so layers are reproducible.
 *
 * @param mode permission bits including setuid (04000), setgid (02000) and sticky (01000); file type bits are ignored
 * @param linkTarget for symlinks the link text as is; for hard links the layer path of the file it shares
 */
public record LayerEntry(
        String path,
        Kind kind,
        Path source,
        byte[] content,
        String linkTarget,
        int mode,
        long uid,
        long gid,
        long devMajor,
        long devMinor) {

    public enum Kind { FILE, DIRECTORY, SYMLINK, HARD_LINK, FIFO, CHAR_DEVICE, BLOCK_DEVICE }

    public LayerEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.FILE && (source == null) == (content == null)) {
            throw new IllegalArgumentException("a file entry needs exactly one of source and content: " + path);
        }
        if ((kind == Kind.SYMLINK || kind == Kind.HARD_LINK) && (linkTarget == null || linkTarget.isEmpty())) {
            throw new IllegalArgumentException("a link entry needs a target: " + path);
        }
        mode &= 07777;
    }

    public static LayerEntry file(String path, Path source, int mode) {
        return new LayerEntry(path, Kind.FILE, source, null, null, mode, 0, 0, 0, 0);
    }

    public static LayerEntry file(String path, byte[] content, int mode) {
        return new LayerEntry(path, Kind.FILE, null, content.clone(), null, mode, 0, 0, 0, 0);
    }

    public static LayerEntry directory(String path, int mode) {
        return new LayerEntry(path, Kind.DIRECTORY, null, null, null, mode, 0, 0, 0, 0);
    }

    public static LayerEntry symlink(String path, String target) {
        return new LayerEntry(path, Kind.SYMLINK, null, null, target, 0777, 0, 0, 0, 0);
    }

    /** A second name for the file at layer path {@code target}, which must also be in the layer. */
    public static LayerEntry hardLink(String path, String target) {
        return new LayerEntry(path, Kind.HARD_LINK, null, null, target, 0, 0, 0, 0, 0);
    }

    public static LayerEntry fifo(String path, int mode) {
        return new LayerEntry(path, Kind.FIFO, null, null, null, mode, 0, 0, 0, 0);
    }

    public static LayerEntry device(String path, boolean block, long major, long minor, int mode) {
        return new LayerEntry(path, block ? Kind.BLOCK_DEVICE : Kind.CHAR_DEVICE, null, null, null, mode, 0, 0, major, minor);
    }

    public LayerEntry withOwner(long newUid, long newGid) {
        return new LayerEntry(path, kind, source, content, linkTarget, mode, newUid, newGid, devMajor, devMinor);
    }

    public LayerEntry withPath(String newPath) {
        return new LayerEntry(newPath, kind, source, content, linkTarget, mode, uid, gid, devMajor, devMinor);
    }

    LayerEntry asHardLinkTo(String target) {
        return new LayerEntry(path, Kind.HARD_LINK, null, null, target, mode, uid, gid, 0, 0);
    }

    /** The content from another entry (used when a hard-link group's first name in sort order must carry it). */
    LayerEntry withContentOf(LayerEntry file) {
        return new LayerEntry(path, Kind.FILE, file.source, file.content, null, file.mode, file.uid, file.gid, 0, 0);
    }

    @Override
    public String toString() {
        return kind + " " + path + (linkTarget == null ? "" : " -> " + linkTarget);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerEntry e && path.equals(e.path) && kind == e.kind && Objects.equals(source, e.source)
                && java.util.Arrays.equals(content, e.content) && Objects.equals(linkTarget, e.linkTarget)
                && mode == e.mode && uid == e.uid && gid == e.gid && devMajor == e.devMajor && devMinor == e.devMinor;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, kind, source, java.util.Arrays.hashCode(content), linkTarget, mode, uid, gid);
    }
}
