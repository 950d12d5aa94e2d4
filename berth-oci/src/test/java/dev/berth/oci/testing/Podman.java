package dev.berth.oci.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Podman with its own throw-away state under a test directory: its own storage (vfs, which needs no kernel overlay
 * support), run root, cgroupfs, no event log, and a containers.conf with no default ulimits (hosts here refuse
 * raising a ulimit above its hard value). Nothing of the machine's podman state is read or changed.
 */
public final class Podman {
    private final Path dir;
    private final Path conf;

    public Podman(Path dir) {
        ExternalTools.require("podman", "podman");
        this.dir = dir;
        this.conf = dir.resolve("containers.conf");
        try {
            Files.createDirectories(dir);
            Files.writeString(conf, "[containers]\ndefault_ulimits = []\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public ExternalTools.Result run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("podman",
                "--root", dir.resolve("root").toString(),
                "--runroot", dir.resolve("runroot").toString(),
                "--storage-driver", "vfs",
                "--cgroup-manager", "cgroupfs",
                "--events-backend", "none"));
        command.addAll(List.of(args));
        return ExternalTools.run(timeout, Map.of("CONTAINERS_CONF", conf.toString()), command);
    }

    public ExternalTools.Result run(String... args) {
        return run(Duration.ofMinutes(5), args);
    }
}
