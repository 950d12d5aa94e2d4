package dev.berth.tiny.fleet;

import dev.berth.tiny.TinyException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** One rollout or rollback at a time per fleet, across processes: an exclusive lock on the fleet's lock file. */
final class FleetLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private FleetLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static FleetLock acquire(Path fleetDir, String name) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(fleetDir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new TinyException("another rollout or rollback of fleet '" + name + "' is running");
            }
            return new FleetLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            close(channel);
            throw new TinyException("another rollout or rollback of fleet '" + name + "' is running");
        } catch (IOException e) {
            close(channel);
            throw new TinyException("cannot lock fleet '" + name + "': " + e.getMessage());
        } catch (TinyException e) {
            close(channel);
            throw e;
        }
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a channel we failed to lock: nothing left to release
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel's close below releases it too
        }
        close(channel);
    }
}
