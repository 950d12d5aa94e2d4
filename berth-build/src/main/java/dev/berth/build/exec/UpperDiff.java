package dev.berth.build.exec;

import dev.berth.build.BuildException;
import dev.berth.oci.layer.LayerEntry;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the upper directory of a build container's overlay into the entries of an OCI layer: files as they are (mode,
 * owner, content, links), overlayfs whiteouts (character devices 0/0) as {@code .wh.NAME} files and opaque
 * directories as {@code .wh..wh..opq} markers. Paths the runtime made only to mount something there (the /etc files,
 * /proc and /dev on an image without them, targets of RUN mounts) are left out when they hold nothing else.
 */
public final class UpperDiff {
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;

    private UpperDiff() {
    }

    /**
     * The layer entries of {@code upper}.
     *
     * @param runtimeCreated paths (relative, '/'-separated) that did not exist before the step and were made only as
     *     mount points; each is dropped when it is an empty directory or empty file with nothing else below it
     */
    public static List<LayerEntry> entries(Path upper, Set<String> runtimeCreated, List<Path> lowers) {
        TreeMap<String, LayerEntry> byPath = new TreeMap<>();
        Map<String, Boolean> emptyPlaceholder = new HashMap<>();
        Map<List<Object>, String> firstNameOfInode = new HashMap<>();
        try {
            Files.walkFileTree(upper, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(upper)) {
                        visit(dir);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    visit(file);
                    return FileVisitResult.CONTINUE;
                }

                private void visit(Path file) throws IOException {
                    String path = upper.relativize(file).toString();
                    Map<String, Object> a = Files.readAttributes(file, "unix:mode,uid,gid,nlink,ino,dev,rdev,size",
                            LinkOption.NOFOLLOW_LINKS);
                    int mode = (Integer) a.get("mode");
                    int perms = mode & 07777;
                    long uid = (Integer) a.get("uid");
                    long gid = (Integer) a.get("gid");
                    switch (mode & S_IFMT) {
                        case S_IFREG -> {
                            LayerEntry entry = LayerEntry.file(path, file, perms);
                            if ((Integer) a.get("nlink") > 1) {
                                String first = firstNameOfInode.putIfAbsent(List.of(a.get("dev"), a.get("ino")), path);
                                if (first != null) {
                                    entry = LayerEntry.hardLink(path, first);
                                }
                            }
                            byPath.put(path, entry.withOwner(uid, gid));
                            emptyPlaceholder.put(path, (Long) a.get("size") == 0);
                        }
                        case S_IFDIR -> {
                            byPath.put(path, LayerEntry.directory(path, perms).withOwner(uid, gid));
                            emptyPlaceholder.put(path, true);
                            if (Xattrs.isOpaque(file)) {
                                String marker = path + "/.wh..wh..opq";
                                byPath.put(marker, LayerEntry.file(marker, new byte[0], 0));
                            }
                        }
                        case S_IFLNK -> byPath.put(path,
                                LayerEntry.symlink(path, Files.readSymbolicLink(file).toString()).withOwner(uid, gid));
                        case S_IFIFO -> byPath.put(path, LayerEntry.fifo(path, perms).withOwner(uid, gid));
                        case S_IFCHR, S_IFBLK -> {
                            long rdev = (Long) a.get("rdev");
                            if ((mode & S_IFMT) == S_IFCHR && rdev == 0) {
                                String whiteout = whiteoutPath(path);
                                byPath.put(whiteout, LayerEntry.file(whiteout, new byte[0], 0));
                            } else {
                                byPath.put(path, LayerEntry.device(path, (mode & S_IFMT) == S_IFBLK, major(rdev),
                                        minor(rdev), perms).withOwner(uid, gid));
                            }
                        }
                        default -> {
                            // sockets cannot be archived; tar skips them too
                        }
                    }
                }
            });
        } catch (IOException e) {
            throw new BuildException("cannot read the changes of the build step in " + upper + ": " + e.getMessage(), e);
        }
        dropUnchanged(byPath, emptyPlaceholder, runtimeCreated, lowers);
        return new ArrayList<>(byPath.values());
    }

    /**
     * Drops, deepest first, what is not a change of the step's own: mount points the runtime made (empty, and missing
     * before), then directories overlayfs only copied up (a child was made and removed again, or a mount point was
     * made in them): no entries below them any more, and the same type, mode and owner as in the layers below.
     */
    private static void dropUnchanged(TreeMap<String, LayerEntry> byPath, Map<String, Boolean> empty, Set<String> created,
                                      List<Path> lowers) {
        List<String> deepestFirst = new ArrayList<>(byPath.keySet());
        deepestFirst.sort(Comparator.comparingInt((String p) -> p.split("/").length).reversed());
        for (String path : deepestFirst) {
            LayerEntry entry = byPath.get(path);
            if (entry == null || hasChildren(byPath, path)) {
                continue;
            }
            if (created.contains(path) && Boolean.TRUE.equals(empty.get(path))) {
                byPath.remove(path);
            } else if (entry.kind() == LayerEntry.Kind.DIRECTORY && sameInLowers(entry, lowers)) {
                byPath.remove(path);
            }
        }
    }

    private static boolean hasChildren(TreeMap<String, LayerEntry> byPath, String path) {
        String next = byPath.ceilingKey(path + "/");
        return next != null && next.startsWith(path + "/");
    }

    /** Whether the topmost lower layer that has this path has it as a directory of the same mode and owner. */
    private static boolean sameInLowers(LayerEntry dir, List<Path> lowers) {
        for (Path lower : lowers.reversed()) {
            Path p = lower.resolve(dir.path());
            try {
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) a.get("mode");
                return (mode & S_IFMT) == S_IFDIR && (mode & 07777) == dir.mode()
                        && ((Integer) a.get("uid")).longValue() == dir.uid() && ((Integer) a.get("gid")).longValue() == dir.gid();
            } catch (java.nio.file.NoSuchFileException missing) {
                // not in this layer: look further down
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    private static String whiteoutPath(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? ".wh." + path : path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
    }

    private static long major(long rdev) {
        return ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
    }

    private static long minor(long rdev) {
        return (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
    }
}
