package dev.berth.oci.layer;

import dev.berth.oci.OciException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns a directory tree into layer entries: what is there, not when it was touched or by whom. */
public final class LayerTree {
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFSOCK = 0140000;

    private LayerTree() {
    }

    /**
     * The entries of everything under {@code tree} (not tree itself), sorted by path bytes, owned by uid/gid.
     * Symlinks stay symlinks; regular files with several names in the tree become one file plus hard links to the
     * first name in sort order; sockets are skipped (they cannot be archived, as tar also says).
     */
    public static List<LayerEntry> scan(Path tree, long uid, long gid) {
        record Found(String path, Path file, Map<String, Object> attributes) {
        }
        List<Found> found = new ArrayList<>();
        try {
            Path root = tree.toRealPath(); // a symlinked root is scanned as the directory it names
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    visit(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    visit(file);
                    return FileVisitResult.CONTINUE;
                }

                private void visit(Path file) throws IOException {
                    if (!file.equals(root)) {
                        String path = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                        found.add(new Found(path, file,
                                Files.readAttributes(file, "unix:mode,nlink,ino,dev,rdev", LinkOption.NOFOLLOW_LINKS)));
                    }
                }
            });
        } catch (IOException e) {
            throw new OciException("cannot read the layer's source tree " + tree + ": " + e.getMessage(), e);
        }
        found.sort((a, b) -> Utf8.BYTE_ORDER.compare(a.path(), b.path()));

        List<LayerEntry> entries = new ArrayList<>(found.size());
        Map<List<Object>, String> firstNameOfInode = new HashMap<>();
        for (Found f : found) {
            int mode = (Integer) f.attributes().get("mode");
            int permissions = mode & 07777;
            LayerEntry entry = switch (mode & S_IFMT) {
                case S_IFREG -> {
                    if ((Integer) f.attributes().get("nlink") > 1) {
                        List<Object> inode = List.of(f.attributes().get("dev"), f.attributes().get("ino"));
                        String first = firstNameOfInode.putIfAbsent(inode, f.path());
                        if (first != null) {
                            yield LayerEntry.file(f.path(), f.file(), permissions).asHardLinkTo(first);
                        }
                    }
                    yield LayerEntry.file(f.path(), f.file(), permissions);
                }
                case S_IFDIR -> LayerEntry.directory(f.path(), permissions);
                case S_IFLNK -> LayerEntry.symlink(f.path(), readLink(f.file()));
                case S_IFIFO -> LayerEntry.fifo(f.path(), permissions);
                case S_IFCHR, S_IFBLK -> {
                    long rdev = (Long) f.attributes().get("rdev");
                    yield LayerEntry.device(f.path(), (mode & S_IFMT) == S_IFBLK, major(rdev), minor(rdev), permissions);
                }
                case S_IFSOCK -> null;
                default -> throw new OciException("cannot put " + f.file() + " in a layer: unknown file type");
            };
            if (entry != null) {
                entries.add(entry.withOwner(uid, gid));
            }
        }
        return entries;
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw new OciException("cannot read symlink " + link + ": " + e.getMessage(), e);
        }
    }

    /** glibc's encoding of dev_t. */
    private static long major(long rdev) {
        return ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
    }

    private static long minor(long rdev) {
        return (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
    }
}
