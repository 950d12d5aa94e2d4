package dev.berth.runtime.logs;

import dev.berth.runtime.ContainerException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The files of one container's log, oldest first: {@code ctr.log.(maxFiles-1)} ... {@code ctr.log.1}, then
 * {@code ctr.log.held} while it is a different file than the live one (conmon replaced the live file and
 * {@link LogRotator} has not yet moved the old one to {@code .1}), then the live {@code ctr.log}.
 */
final class LogFiles {
    final Path live;
    final int maxFiles;

    LogFiles(Path live, int maxFiles) {
        if (maxFiles < 1) {
            throw new ContainerException("max-file must be at least 1, got " + maxFiles);
        }
        this.live = Objects.requireNonNull(live, "live");
        this.maxFiles = maxFiles;
    }

    Path rotated(int n) {
        return live.resolveSibling(live.getFileName() + "." + n);
    }

    /** A second name for the live file that keeps its content once conmon has renamed a fresh file over it. */
    Path held() {
        return live.resolveSibling(live.getFileName() + ".held");
    }

    /** A file and its identity (device and inode), to notice when a name starts pointing elsewhere. */
    record Entry(Path path, Object key) {
    }

    /** The existing files in reading order; a name that points to the same file as a later one is left out. */
    List<Entry> ordered() {
        List<Entry> entries = new ArrayList<>();
        for (int n = maxFiles - 1; n >= 1; n--) {
            add(entries, rotated(n));
        }
        Object liveKey = key(live);
        Object heldKey = key(held());
        if (heldKey != null && !heldKey.equals(liveKey)) {
            entries.add(new Entry(held(), heldKey));
        }
        if (liveKey != null) {
            entries.add(new Entry(live, liveKey));
        }
        return entries;
    }

    private static void add(List<Entry> entries, Path path) {
        Object key = key(path);
        if (key != null) {
            entries.add(new Entry(path, key));
        }
    }

    /** The file's identity, or null when there is no such file. */
    static Object key(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ContainerException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** An open file of the log: reading it goes on working when the rotator renames it. */
    record Opened(Entry entry, FileChannel channel) {
    }

    /**
     * Opens every file of the log as one consistent set: a rotation between listing and opening would pair names
     * with the wrong files, so the listing is checked again afterwards and the whole set reopened if it changed.
     */
    List<Opened> openAll() {
        for (int attempt = 0; attempt < 20; attempt++) {
            List<Entry> before = ordered();
            List<Opened> opened = new ArrayList<>();
            boolean vanished = false;
            for (Entry entry : before) {
                try {
                    opened.add(new Opened(entry, FileChannel.open(entry.path(), StandardOpenOption.READ)));
                } catch (NoSuchFileException e) {
                    vanished = true;
                    break;
                } catch (IOException e) {
                    closeAll(opened);
                    throw new ContainerException("cannot open log file " + entry.path() + ": " + e.getMessage(), e);
                }
            }
            if (!vanished && ordered().equals(before)) {
                return opened;
            }
            closeAll(opened);
        }
        throw new ContainerException("the log files of " + live + " keep changing while being opened; try again");
    }

    static void closeAll(List<Opened> opened) {
        for (Opened o : opened) {
            try {
                o.channel().close();
            } catch (IOException ignored) {
                // read-only channel: nothing was lost
            }
        }
    }

    /** Everything in the channel from {@code position} to its current end. */
    static byte[] readFrom(FileChannel channel, long position, Path where) {
        try {
            long size = channel.size();
            if (size <= position) {
                return new byte[0];
            }
            if (size - position > Integer.MAX_VALUE - 16) {
                throw new ContainerException("log file " + where + " is too large to read (" + size + " bytes)");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) (size - position));
            long at = position;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, at);
                if (n < 0) {
                    break;
                }
                at += n;
            }
            byte[] bytes = new byte[buffer.position()];
            buffer.flip().get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new ContainerException("cannot read log file " + where + ": " + e.getMessage(), e);
        }
    }
}
