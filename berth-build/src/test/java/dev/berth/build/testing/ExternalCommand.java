package dev.berth.build.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a program of the host for a test fixture, with its output captured in files (no pipe can fill up). */
public final class ExternalCommand {
    /** What the program printed and returned. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        /** Fails the test, with the program's output, unless it exited 0. */
        public Result requireSuccess(String what) {
            if (exitCode != 0) {
                fail(what + " failed with exit code " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
            }
            return this;
        }
    }

    private ExternalCommand() {
    }

    /**
     * Runs {@code command} in {@code directory} (null: the current one) with {@code environment} added, standard input
     * empty, and fails the test if the program is missing or runs longer than {@code timeoutSeconds}.
     */
    public static Result run(List<String> command, Map<String, String> environment, Path directory, int timeoutSeconds) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("berth-cmd-", ".out");
            err = Files.createTempFile("berth-cmd-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectInput(new File("/dev/null"))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(environment);
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                fail(command.getFirst() + " cannot be run (" + e.getMessage() + "): install it (scripts/install-deps)");
                throw new AssertionError(e);
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                fail(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s; stderr:\n" + Files.readString(err));
            }
            return new Result(command, process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command.getFirst(), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file of a failed test
            }
        }
    }
}
