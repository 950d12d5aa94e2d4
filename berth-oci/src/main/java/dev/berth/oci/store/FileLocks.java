package dev.berth.oci.store;

import dev.berth.oci.OciException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Locks that hold across processes (an fcntl lock on a file) and across threads of this process. The JDK's file locks
 * belong to the whole JVM and throw when two threads take overlapping ones, so each lock file also has a JVM-wide mutex
 * taken first.
 */
public final class FileLocks {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private FileLocks() {
    }

    /** A held lock; closing releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    public static Held acquire(Path lockFile, boolean shared) {
        ReentrantLock mutex = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new ReentrantLock());
        mutex.lock();
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            FileLock lock = channel.lock(0, Long.MAX_VALUE, shared);
            FileChannel opened = channel;
            return () -> {
                try (opened) {
                    lock.release();
                } catch (IOException e) {
                    throw new OciException("cannot release lock " + lockFile + ": " + e.getMessage(), e);
                } finally {
                    mutex.unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // already failing: report the first error
            }
            mutex.unlock();
            throw new OciException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
    }
}
