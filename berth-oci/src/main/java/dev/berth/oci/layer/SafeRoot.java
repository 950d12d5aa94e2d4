package dev.berth.oci.layer;

import dev.berth.oci.OciException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The extraction target seen as a root filesystem. Paths are resolved component by component with chroot semantics:
 * a symlink met on the way is followed by reading it, absolute targets restart at the root and '..' stops at the
 * root, so a resolved path is always a chain of real directories under the root and the OS never follows a link for
 * us. The final component is never followed: callers replace it. This relies on nobody else changing the target
 * while a layer is being extracted.
 */
final class SafeRoot {
    private static final int MAX_SYMLINKS = 40; // as Linux's MAXSYMLINKS
    private final Path root;

    SafeRoot(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /**
     * The real directory that {@code components} name, or null if some component is missing and
     * {@code create} is false; with {@code create}, missing directories are made (mode 0755).
     */
    Path directory(List<String> components, boolean create, String entry) throws IOException {
        return walk(components, create, false, entry);
    }

    /**
     * Like {@link #directory} without creating anything, but the last component may be any file: every symlink on the
     * way, the last one included, is followed inside the root. Null when something on the way is missing.
     */
    Path directoryOrFile(List<String> components, String entry) throws IOException {
        return walk(components, false, true, entry);
    }

    /**
     * Resolves components one by one from the root, following symlinks inside it. With {@code anyLast}, the last
     * component may be a file; otherwise every component must be (or, with {@code create}, becomes) a directory.
     */
    private Path walk(List<String> components, boolean create, boolean anyLast, String entry) throws IOException {
        Deque<String> todo = new ArrayDeque<>(components);
        List<String> resolved = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.removeFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.removeLast();
                }
                continue;
            }
            Path path = join(resolved).resolve(part);
            BasicFileAttributes attributes = lstat(path);
            if (attributes == null) {
                if (!create) {
                    return null;
                }
                Files.createDirectory(path);
                Metadata.chmod(path, 0755);
            } else if (attributes.isSymbolicLink()) {
                if (++links > MAX_SYMLINKS) {
                    throw new OciException("refusing entry '" + entry + "': too many levels of symlinks in its path");
                }
                String target = Files.readSymbolicLink(path).toString();
                if (target.startsWith("/")) {
                    resolved.clear();
                }
                String[] parts = target.split("/");
                for (int i = parts.length - 1; i >= 0; i--) {
                    todo.addFirst(parts[i]);
                }
                continue;
            } else if (!attributes.isDirectory()) {
                if (anyLast) {
                    if (!todo.isEmpty()) {
                        return null; // a file in the middle of the path
                    }
                } else {
                    throw new OciException("refusing entry '" + entry + "': its parent '" + root.relativize(path)
                            + "' exists and is not a directory");
                }
            }
            resolved.add(part);
        }
        return join(resolved);
    }

    private Path join(List<String> parts) {
        Path path = root;
        for (String part : parts) {
            path = path.resolve(part);
        }
        return path;
    }

    /** The attributes of the path itself (a symlink is not followed), or null if nothing is there. */
    static BasicFileAttributes lstat(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Deletes a file, symlink (not its target) or whole directory tree, never following links. */
    static void deleteRecursively(Path path) throws IOException {
        if (lstat(path) == null) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Metadata.chmod(dir, 0700); // so a read-only directory's contents can go (matters when not root)
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
