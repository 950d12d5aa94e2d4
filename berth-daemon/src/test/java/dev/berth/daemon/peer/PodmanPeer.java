package dev.berth.daemon.peer;

import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.runtime.sys.Mounts;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Podman as the peer, with throw-away state of its own as bench/common.sh runs it: its own --root and --runroot, vfs
 * storage, cgroupfs, no event log, and a containers.conf without default ulimits (this host refuses to raise them).
 * Containers run with runc (crun fails on this host's hybrid cgroups). Nothing of the machine's podman state is used.
 */
final class PodmanPeer implements AutoCloseable {
    /** What a podman command did. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        Result requireSuccess() {
            if (exitCode != 0) {
                fail(String.join(" ", command) + " exited with " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return this;
        }
    }

    private final Path dir;

    PodmanPeer() throws IOException {
        for (String tool : List.of("podman", "runc", "conmon")) {
            if (!Files.isExecutable(Path.of("/usr/bin", tool)) && !Files.isExecutable(Path.of("/usr/sbin", tool))) {
                fail(tool + " is not installed: install the Debian package " + tool + " (scripts/install-deps)");
            }
        }
        dir = Files.createTempDirectory(Path.of("/tmp"), "berth-podman-"); // podman refuses a runroot path over 50 characters
        Files.writeString(dir.resolve("containers.conf"), "[containers]\ndefault_ulimits = []\n");
    }

    /** Podman's own name for an image loaded from a docker archive: a name without a registry gets "localhost/". */
    static String loadedName(String name) {
        return "localhost/" + name;
    }

    /** {@code podman run --rm --runtime runc --network none OPTIONS IMAGE ARGS}: its stdout and exit code. */
    Outcome run(List<String> options, String image, List<String> args) {
        List<String> command = new ArrayList<>(List.of("run", "--rm", "--runtime", "runc", "--network", "none"));
        command.addAll(options);
        command.add(loadedName(image));
        command.addAll(args);
        Result r = podman(command.toArray(String[]::new));
        return new Outcome(r.stdout(), r.exitCode());
    }

    Result podman(String... args) {
        List<String> command = new ArrayList<>(List.of("podman", "--root", dir.resolve("root").toString(),
                "--runroot", dir.resolve("runroot").toString(), "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs",
                "--events-backend", "none"));
        command.addAll(List.of(args));
        return exec(command, Duration.ofMinutes(2));
    }

    private Result exec(List<String> command, Duration timeout) {
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("CONTAINERS_CONF", dir.resolve("containers.conf").toString());
        Process process = null;
        try {
            process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                fail(String.join(" ", command) + " did not finish within " + timeout + "; killed");
            }
            return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return fail("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process);
            return fail("interrupted while running " + String.join(" ", command));
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes every container and all of podman's state: its containers' mounts first, then the directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            podman("rm", "--all", "--force", "--time", "0");
        } finally {
            for (Path mount : Mounts.mountPointsUnder(dir).reversed()) {
                Mounts.unmount(mount);
            }
            new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString()).inheritIO().start().waitFor();
        }
    }
}
