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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    public static List<LayerEntry> entries(Path upper, Set<String> runtimeCreated) {
        Map<String, LayerEntry> byPath = new LinkedHashMap<>();
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
        dropRuntimeCreated(byPath, emptyPlaceholder, runtimeCreated);
        return new ArrayList<>(byPath.values());
    }

    private static void dropRuntimeCreated(Map<String, LayerEntry> byPath, Map<String, Boolean> empty, Set<String> created) {
        List<String> deepestFirst = new ArrayList<>(created);
        deepestFirst.sort(Comparator.comparingInt((String p) -> p.split("/").length).reversed());
        for (String path : deepestFirst) {
            LayerEntry entry = byPath.get(path);
            if (entry == null || !Boolean.TRUE.equals(empty.get(path))) {
                continue;
            }
            String prefix = path + "/";
            boolean hasChildren = byPath.keySet().stream().anyMatch(p -> p.startsWith(prefix));
            if (!hasChildren) {
                byPath.remove(path);
            }
        }
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
