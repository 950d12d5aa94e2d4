package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real peer tool (podman, runc) from the CLI tests. A missing tool fails the test naming its Debian package; every
 * process started is waited for and, if it outlives its time, killed by its handle with its descendants.
 */
final class PeerTool {
    private PeerTool() {
    }

    /** What a command did. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        Result requireSuccess() {
            if (exitCode != 0) {
                fail(String.join(" ", command) + " exited with " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return this;
        }
    }

    /** The executable on PATH (or in an sbin directory), else fails naming the Debian package to install. */
    static Path require(String command, String debianPackage) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/local/sbin:/usr/sbin:/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, command);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return fail(command + " is not installed: install the Debian package " + debianPackage
                + " (apt-get install " + debianPackage + ")");
    }

    /** Runs a command with extra environment, output captured through files in {@code dir}. */
    static Result run(Path dir, Duration timeout, Map<String, String> env, List<String> command) {
        Process process = null;
        try {
            Path out = Files.createTempFile(dir, "tool-", ".out");
            Path err = Files.createTempFile(dir, "tool-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(env);
            process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                fail(String.join(" ", command) + " did not finish within " + timeout + "; killed\nstdout: "
                        + Files.readString(out) + "\nstderr: " + Files.readString(err));
            }
            return new Result(List.copyOf(command), process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return fail("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while running " + String.join(" ", command));
        } finally {
            if (process != null && process.isAlive()) {
                kill(process);
            }
        }
    }

    /** Kills a process and what it started, by handle (PID), and reaps it. */
    static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Podman with throw-away state under {@code dir}: its own root and run root, vfs storage, cgroupfs, no event log,
     * and a containers.conf with no default ulimits. Nothing of the machine's podman state is read or changed.
     */
    static final class Podman {
        private final Path dir;
        private final Path conf;

        Podman(Path dir) throws IOException {
            require("podman", "podman");
            this.dir = Files.createDirectories(dir);
            this.conf = Files.writeString(dir.resolve("containers.conf"), "[containers]\ndefault_ulimits = []\n");
        }

        Result run(String... args) {
            List<String> command = new ArrayList<>(List.of("podman",
                    "--root", dir.resolve("root").toString(),
                    "--runroot", dir.resolve("runroot").toString(),
                    "--storage-driver", "vfs",
                    "--cgroup-manager", "cgroupfs",
                    "--events-backend", "none"));
            command.addAll(List.of(args));
            return PeerTool.run(dir, Duration.ofMinutes(5), Map.of("CONTAINERS_CONF", conf.toString()), command);
        }
    }
}
