package dev.berth.daemon.engine;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.EngineException.Kind;
import dev.berth.oci.layer.ContainedPath;
import dev.berth.oci.layer.ExtractOptions;
import dev.berth.oci.layer.LayerExtractor;
import dev.berth.oci.layer.TreeTar;
import dev.berth.runtime.sys.Mounts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code berth cp}: files into and out of a container's root filesystem as tar streams (Docker's
 * {@code /containers/{id}/archive}). Paths are resolved as the container sees them, so a symlink in the container
 * never reaches the host. A stopped container's root is mounted for the copy and unmounted after.
 */
final class Archives {
    private Archives() {
    }

    /** What is at a path in the container: for the CLI to choose between "into this directory" and "as this name". */
    record PathStat(String name, boolean exists, boolean directory) {
    }

    static PathStat stat(Engine engine, Container c, String path) {
        return withRoot(engine, c, root -> {
            Path resolved = ContainedPath.resolveFollowing(root, path);
            boolean exists = resolved != null && Files.exists(resolved, LinkOption.NOFOLLOW_LINKS);
            return new PathStat(Path.of(path).getFileName() == null ? "/" : Path.of(path).getFileName().toString(), exists,
                    exists && Files.isDirectory(resolved, LinkOption.NOFOLLOW_LINKS));
        });
    }

    /** Writes a tar of {@code path} (named by its last component) to {@code out}. */
    static void read(Engine engine, Container c, String path, OutputStream out) {
        withRoot(engine, c, root -> {
            Path source = ContainedPath.resolve(root, path);
            if (source == null || !Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                throw new EngineException(Kind.NOT_FOUND, "Could not find the file " + path + " in container " + c.record.name());
            }
            String top = source.equals(root) ? "." : source.getFileName().toString();
            try {
                TreeTar.write(source, top, null, out);
            } catch (IOException e) {
                throw new EngineException("cannot copy " + path + " from " + c.record.name() + ": " + e.getMessage(), e);
            }
            return null;
        });
    }

    /** Extracts a tar into the directory {@code path} of the container (which must exist), refusing hostile entries. */
    static void write(Engine engine, Container c, String path, InputStream tar) {
        withRoot(engine, c, root -> {
            Path dir = ContainedPath.resolveFollowing(root, path);
            if (dir == null || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new EngineException(Kind.NOT_FOUND, "Could not find the directory " + path + " in container " + c.record.name());
            }
            if (c.record.hostConfig().readonlyRootfs() && c.running()) {
                throw new EngineException(Kind.CONFLICT, "container " + c.record.name() + " has a read-only root filesystem");
            }
            LayerExtractor.extract(tar, dir, ExtractOptions.defaults());
            return null;
        });
    }

    private interface RootAction<T> {
        T apply(Path root);
    }

    /** Runs {@code action} on the container's mounted root, mounting it for the while if the container is stopped. */
    private static <T> T withRoot(Engine engine, Container c, RootAction<T> action) {
        c.lock.lock();
        try {
            if (c.state().mounted()) {
                return action.apply(c.files.rootfs());
            }
            List<Path> lowers = engine.snapshots.lowerDirectories(engine.images, engine.imageOf(c));
            try {
                Files.createDirectories(c.files.upper());
                Files.createDirectories(c.files.work());
                Files.createDirectories(c.files.rootfs());
            } catch (IOException e) {
                throw new EngineException("cannot prepare " + c.files.dir() + ": " + e.getMessage(), e);
            }
            Mounts.overlay(lowers, c.files.upper(), c.files.work(), c.files.rootfs());
            try {
                return action.apply(c.files.rootfs());
            } finally {
                Mounts.unmount(c.files.rootfs());
            }
        } finally {
            c.lock.unlock();
        }
    }
}
