package dev.berth.oci.store;

import dev.berth.oci.OciException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** Crash-safe file replacement: write a temporary file, fsync it, rename it over the target, fsync the directory. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    public static void write(Path target, byte[] content) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                var buffer = java.nio.ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            moveDurably(tmp, target);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new OciException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Replaces {@code target} atomically (a reader sees the old or the new content, never a mix) without waiting
     * for the disk: for state rewritten many times a second, where an fsync per change would dominate. After a power
     * loss the file may hold an earlier version; ext4 and XFS flush the data before a rename over an existing file.
     */
    public static void replace(Path target, byte[] content) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.write(tmp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new OciException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Renames atomically (replacing the target) and makes the rename itself durable. */
    public static void moveDurably(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system does not support atomic rename from " + source + " to " + target, e);
        }
        fsyncDirectory(target.toAbsolutePath().getParent());
    }

    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    public static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort: a leftover temporary file is found and removed by `berth system check --repair`
        }
    }
}
