package dev.berth.build.engine;

import dev.berth.build.testing.ExternalCommand;
import dev.berth.runtime.sys.Mounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Podman with all of its state (images, containers, vfs layers, run root, containers.conf) in one temporary directory,
 * so the machine's own podman storage is never read or touched, and {@link #close} removes every trace.
 *
 * <p>The directory's path must be short: podman refuses a run root longer than 50 characters.
 *
 * <p>The containers.conf empties {@code default_ulimits}: podman's default raises the open-files limit beyond what this
 * machine's container allows, and runc then refuses to start.
 */
final class PodmanRoot implements AutoCloseable {
    private static final int TIMEOUT_SECONDS = 600;

    private final Path dir;
    private final Path conf;

    PodmanRoot(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            conf = Files.writeString(dir.resolve("containers.conf"), "[containers]\ndefault_ulimits = []\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs podman with this root; the result is returned whatever the exit code. */
    ExternalCommand.Result run(List<String> args) {
        List<String> command = new ArrayList<>(List.of("podman", "--root", dir.resolve("storage").toString(),
                "--runroot", dir.resolve("rr").toString(), "--storage-driver", "vfs", "--cgroup-manager",
                "cgroupfs", "--events-backend", "none"));
        command.addAll(args);
        return ExternalCommand.run(command, Map.of("CONTAINERS_CONF", conf.toString()), null, TIMEOUT_SECONDS);
    }

    /** Runs podman with this root and fails the test, with podman's output, unless it exits 0; returns stdout. */
    String require(String... args) {
        return run(List.of(args)).requireSuccess("podman " + String.join(" ", args)).stdout();
    }

    /** Removes every container, mount and image of this root, then the root itself; never fails. */
    @Override
    public void close() {
        run(List.of("rm", "--all", "--force"));
        run(List.of("image", "unmount", "--all", "--force"));
        run(List.of("rmi", "--all", "--force"));
        for (Path mount : Mounts.mountPointsUnder(dir).reversed()) {
            Mounts.unmount(mount);
        }
        dev.berth.build.testing.TestFiles.deleteTree(dir);
    }
}
