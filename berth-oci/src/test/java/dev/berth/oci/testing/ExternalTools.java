package dev.berth.oci.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real peer tools (skopeo, umoci, podman, tar) from tests. A tool that is missing fails the test with the
 * Debian package to install: CI installs them, so a silent skip would hide a broken setup. Every process started is
 * waited for, and killed by its PID (with its descendants) if it outlives its time.
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    /** What a command did. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public Result requireSuccess() {
            if (exitCode != 0) {
                fail(String.join(" ", command) + " exited with " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return this;
        }
    }

    /** The executable for {@code command} on PATH (or in the sbin directories), else fails naming the Debian package. */
    public static Path require(String command, String debianPackage) {
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

    public static Result run(Duration timeout, String... command) {
        return run(timeout, Map.of(), List.of(command));
    }

    /** Runs a command with extra environment variables, its output captured through files (no pipe can fill up). */
    public static Result run(Duration timeout, Map<String, String> env, List<String> command) {
        Path out = null;
        Path err = null;
        Process process = null;
        try {
            out = Files.createTempFile("berth-tool-", ".out");
            err = Files.createTempFile("berth-tool-", ".err");
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
            if (process != null) {
                kill(process);
            }
            return fail("interrupted while running " + String.join(" ", command));
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Kills a process and what it started, by PID, and reaps it. */
    public static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file
            }
        }
    }

    /** Extracts a tar file into a directory with the system tar (package tar). */
    public static void untar(Path archive, Path directory) {
        require("tar", "tar");
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            fail("cannot create " + directory + ": " + e.getMessage());
        }
        run(Duration.ofMinutes(5), "tar", "-C", directory.toString(), "-xf", archive.toString()).requireSuccess();
    }
}
