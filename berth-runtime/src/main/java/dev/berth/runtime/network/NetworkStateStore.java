package dev.berth.runtime.network;

import dev.berth.oci.json.Json;
import dev.berth.runtime.ContainerException;
import tools.jackson.core.JacksonException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * A network's state file ({@code network.json}), changed only under an exclusive lock and replaced atomically.
 *
 * <p>The lock is two-level: a file lock ({@code lock}) keeps other processes out, and a JVM-wide lock per directory
 * keeps this process's threads out of each other's way, because a file lock belongs to the whole process (a second
 * lock attempt from the same JVM would fail rather than wait).
 *
 * <p>The file is renamed into place, never fsync'ed: it protects against a crashed daemon, and after a power loss
 * the interfaces and rules it describes are gone anyway, so a stale file costs only a reconcile.
 */
final class NetworkStateStore {
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final String name;
    private final String bridgeDevice;
    private final Path file;
    private final Path lockFile;
    private final ReentrantLock jvmLock;

    NetworkStateStore(Path dir, String name, String bridgeDevice) {
        this.name = name;
        this.bridgeDevice = bridgeDevice;
        Path realDir;
        try {
            Files.createDirectories(dir);
            realDir = dir.toRealPath();
        } catch (IOException e) {
            throw new ContainerException("cannot create network state directory " + dir + ": " + e.getMessage(), e);
        }
        this.file = realDir.resolve("network.json");
        this.lockFile = realDir.resolve("lock");
        this.jvmLock = JVM_LOCKS.computeIfAbsent(realDir, d -> new ReentrantLock());
    }

    Path file() {
        return file;
    }

    /** The state as last written; safe without the lock because the file is only ever replaced whole. */
    NetworkState read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return NetworkState.empty(name, bridgeDevice);
        } catch (IOException e) {
            throw new ContainerException("cannot read network state " + file + ": " + e.getMessage(), e);
        }
        try {
            return Json.mapper().readValue(bytes, NetworkState.class);
        } catch (JacksonException e) {
            throw new ContainerException("network state " + file + " is corrupt (" + e.getOriginalMessage()
                    + "); remove it after removing the network's containers", e);
        }
    }

    /**
     * Applies {@code change} to the current state under the lock and writes the result. An exception from
     * {@code change} leaves the file untouched.
     */
    NetworkState update(UnaryOperator<NetworkState> change) {
        return locked(() -> {
            NetworkState before = read();
            NetworkState after = change.apply(before);
            if (!after.equals(before)) {
                write(after);
            }
            return after;
        });
    }

    /** Deletes the state file; for removing a whole network. */
    void delete() {
        locked(() -> {
            Files.deleteIfExists(file);
            return null;
        });
    }

    private interface LockedAction<T> {
        T run() throws IOException;
    }

    @SuppressWarnings("try") // the file lock is held by being open, not by being used
    private <T> T locked(LockedAction<T> action) {
        jvmLock.lock();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            return action.run();
        } catch (IOException e) {
            throw new ContainerException("cannot update network state " + file + ": " + e.getMessage(), e);
        } finally {
            jvmLock.unlock();
        }
    }

    private void write(NetworkState state) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temporary, Json.pretty(state).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
