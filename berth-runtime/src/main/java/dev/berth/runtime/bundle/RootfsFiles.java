package dev.berth.runtime.bundle;

import dev.berth.runtime.ContainerException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a small file of an untrusted root filesystem as a process chrooted there would see it. Symbolic links are
 * followed by hand with chroot semantics (an absolute target restarts at the rootfs, ".." stops at it), and every step
 * is taken relative to an open directory with O_NOFOLLOW (openat through {@link SecureDirectoryStream}), so neither a
 * hostile link nor a link swapped in while we walk can make this read a host file.
 */
final class RootfsFiles {
    /** Linux gives up after 40 links in one lookup; so do we. */
    private static final int MAX_LINKS = 40;
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private RootfsFiles() {
    }

    /**
     * The content of {@code path} (absolute, as seen inside the rootfs), or empty when it does not exist there
     * (including a dangling link). Anything but a regular file, a file over {@code maxBytes}, or a link loop is an
     * error naming the path.
     */
    static Optional<byte[]> read(Path rootfs, String path, int maxBytes) {
        Deque<String> todo = new ArrayDeque<>(components(path));
        // dirs.get(i) is the open directory at depth i; names.get(i - 1) is its name in dirs.get(i - 1).
        List<SecureDirectoryStream<Path>> dirs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int links = 0;
        try {
            dirs.add(openRoot(rootfs));
            while (!todo.isEmpty()) {
                String name = todo.removeFirst();
                if (name.equals(".")) {
                    continue;
                }
                if (name.equals("..")) {
                    if (dirs.size() > 1) {
                        dirs.removeLast().close();
                        names.removeLast();
                    }
                    continue;
                }
                SecureDirectoryStream<Path> dir = dirs.getLast();
                Path entry = Path.of(name);
                BasicFileAttributes attrs;
                try {
                    attrs = dir.getFileAttributeView(entry, BasicFileAttributeView.class, NOFOLLOW).readAttributes();
                } catch (NoSuchFileException e) {
                    return Optional.empty();
                }
                if (attrs.isSymbolicLink()) {
                    if (++links > MAX_LINKS) {
                        throw new ContainerException("cannot read " + path + " in the image: too many levels of symbolic links");
                    }
                    // Only the link's text is read through the host path; it is then interpreted inside the rootfs.
                    String target = Files.readSymbolicLink(hostPath(rootfs, names, name)).toString();
                    List<String> targetParts = components(target);
                    for (int i = targetParts.size() - 1; i >= 0; i--) {
                        todo.addFirst(targetParts.get(i));
                    }
                    if (target.startsWith("/")) {
                        while (dirs.size() > 1) {
                            dirs.removeLast().close();
                            names.removeLast();
                        }
                    }
                    continue;
                }
                if (todo.isEmpty()) {
                    if (!attrs.isRegularFile()) {
                        throw new ContainerException(path + " in the image is not a regular file");
                    }
                    return Optional.of(readFile(dir, entry, path, maxBytes));
                }
                if (!attrs.isDirectory()) {
                    return Optional.empty(); // like ENOTDIR: a file in the middle of the path
                }
                dirs.add(dir.newDirectoryStream(entry, NOFOLLOW));
                names.add(name);
            }
            return Optional.empty(); // the path named a directory (only "/" or a path ending in "..")
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Optional.empty(); // removed or replaced while we walked
        } catch (IOException e) {
            throw new ContainerException("cannot read " + path + " in the image: " + e.getMessage(), e);
        } finally {
            for (SecureDirectoryStream<Path> d : dirs.reversed()) {
                try {
                    d.close();
                } catch (IOException ignored) {
                    // closing a directory descriptor does not fail in a way we could act on
                }
            }
        }
    }

    private static SecureDirectoryStream<Path> openRoot(Path rootfs) throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(rootfs);
        if (stream instanceof SecureDirectoryStream<Path> secure) {
            return secure;
        }
        stream.close();
        throw new ContainerException("this platform cannot read image files safely (no openat support)");
    }

    private static byte[] readFile(SecureDirectoryStream<Path> dir, Path entry, String path, int maxBytes)
            throws IOException {
        try (SeekableByteChannel ch = dir.newByteChannel(entry,
                Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            // Read one byte past the cap to tell "exactly at the cap" from "over it", whatever size() claims.
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(maxBytes + 1L, Math.max(ch.size() + 1, 4096)));
            while (true) {
                if (!buf.hasRemaining()) {
                    if (buf.capacity() > maxBytes) {
                        throw new ContainerException(path + " in the image is larger than " + maxBytes + " bytes");
                    }
                    ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(maxBytes + 1L, buf.capacity() * 2L));
                    buf.flip();
                    bigger.put(buf);
                    buf = bigger;
                }
                if (ch.read(buf) < 0) {
                    break;
                }
            }
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return out;
        }
    }

    private static Path hostPath(Path rootfs, List<String> names, String last) {
        Path p = rootfs;
        for (String n : names) {
            p = p.resolve(n);
        }
        return p.resolve(last);
    }

    private static List<String> components(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return parts;
    }
}
