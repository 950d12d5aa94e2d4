package dev.berth.registry.storage;

import dev.berth.registry.RegistryException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps garbage collection apart from writes that make content reachable (linking a blob, pushing a manifest), in this
 * process and against another process (`berth registry gc` next to a running server). Writers share the lock, the
 * collector takes it alone. The JDK's file locks belong to the whole JVM and throw on overlap, so one instance per root
 * counts the in-process sharers and holds a single shared OS lock for all of them.
 */
final class StorageLock {
    private static final ConcurrentHashMap<Path, StorageLock> BY_ROOT = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantReadWriteLock inProcess = new ReentrantReadWriteLock();
    private final Object osState = new Object();
    private int sharers;
    private FileChannel channel;
    private FileLock osLock;

    private StorageLock(Path file) {
        this.file = file;
    }

    static StorageLock forRoot(Path root) {
        Path file = root.toAbsolutePath().normalize().resolve("gc.lock");
        return BY_ROOT.computeIfAbsent(file, StorageLock::new);
    }

    /** A held lock; closing releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    Held shared() {
        inProcess.readLock().lock();
        try {
            synchronized (osState) {
                if (sharers == 0) {
                    acquireOs(true);
                }
                sharers++;
            }
        } catch (RuntimeException e) {
            inProcess.readLock().unlock();
            throw e;
        }
        return () -> {
            try {
                synchronized (osState) {
                    if (--sharers == 0) {
                        releaseOs();
                    }
                }
            } finally {
                inProcess.readLock().unlock();
            }
        };
    }

    Held exclusive() {
        inProcess.writeLock().lock();
        try {
            synchronized (osState) {
                acquireOs(false);
            }
        } catch (RuntimeException e) {
            inProcess.writeLock().unlock();
            throw e;
        }
        return () -> {
            try {
                synchronized (osState) {
                    releaseOs();
                }
            } finally {
                inProcess.writeLock().unlock();
            }
        };
    }

    private void acquireOs(boolean shared) {
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            osLock = channel.lock(0, Long.MAX_VALUE, shared);
        } catch (IOException e) {
            closeChannel();
            throw new RegistryException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    private void releaseOs() {
        try {
            if (osLock != null) {
                osLock.release();
            }
        } catch (IOException e) {
            throw new RegistryException("cannot release lock " + file + ": " + e.getMessage(), e);
        } finally {
            osLock = null;
            closeChannel();
        }
    }

    private void closeChannel() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing releases the lock anyway; nothing more to do
        } finally {
            channel = null;
        }
    }
}
