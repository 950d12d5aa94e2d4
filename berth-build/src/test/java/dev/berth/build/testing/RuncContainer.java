package dev.berth.build.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.runtime.bundle.BundleSpec;
import dev.berth.runtime.bundle.NetworkNamespace;
import dev.berth.runtime.bundle.Resources;
import dev.berth.runtime.bundle.RuntimeSpecWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs one command in an unpacked root filesystem with the real runc, in a fresh network namespace, and removes the
 * container, its state and its cgroups afterwards, whatever happened.
 */
public final class RuncContainer {
    private static final List<String> CGROUP_V1_CONTROLLERS =
            List.of("memory", "pids", "cpu", "cpuacct", "cpuset", "devices", "freezer", "blkio", "systemd", "unified");

    /** What the command printed and returned. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private RuncContainer() {
    }

    /**
     * Runs {@code args} as {@code user} ("" for the image default, root) in {@code rootfs}; {@code work} holds the
     * bundle and runc's state (a test's temporary directory).
     */
    public static Result run(Path rootfs, Path work, String user, List<String> args) {
        String runc = findRunc();
        String id = "berth-build-" + UUID.randomUUID().toString().substring(0, 8);
        String cgroup = "/berth-test/" + id;
        Path bundle = work.resolve("bundle-" + id);
        Path state = work.resolve("runc-state");
        try {
            Files.createDirectories(state);
            BundleSpec spec = new BundleSpec(id, rootfs.toAbsolutePath(), false, args,
                    List.of(TestImages.PATH_ENV), "/", user, "fixture", List.of(), List.of(), Resources.NONE,
                    new NetworkNamespace.NewNamespace(), null, null, null, cgroup, false, Map.of());
            RuntimeSpecWriter.write(spec, bundle);
            ExternalCommand.Result r = ExternalCommand.run(
                    List.of(runc, "--root", state.toString(), "run", "--bundle", bundle.toString(), id), Map.of(), null, 120);
            return new Result(r.exitCode(), r.stdout(), r.stderr());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            ExternalCommand.run(List.of(runc, "--root", state.toString(), "delete", "-f", id), Map.of(), null, 60);
            for (String controller : CGROUP_V1_CONTROLLERS) {
                removeEmptyCgroup(Path.of("/sys/fs/cgroup", controller).resolve(cgroup.substring(1)));
            }
            TestFiles.deleteTree(bundle);
        }
    }

    /** rmdir of the container's cgroup and then of /berth-test when that is empty too; never recursive. */
    private static void removeEmptyCgroup(Path dir) {
        for (Path d = dir; d != null && d.getNameCount() > 4; d = d.getParent()) {
            if (!d.toFile().delete() && Files.exists(d)) {
                return;
            }
        }
    }

    private static String findRunc() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "runc"))) {
                return Path.of(dir, "runc").toString();
            }
        }
        fail("runc is not installed; these tests run real containers: install it with scripts/install-deps");
        return null;
    }
}
