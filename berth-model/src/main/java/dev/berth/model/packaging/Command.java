package dev.berth.model.packaging;

import dev.berth.model.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one host tool (apt-get, dpkg-deb, jlink, git) to completion and returns what it printed. A tool that is
 * missing, fails or hangs becomes a {@link ModelException} that says which tool, what it was doing and what it said.
 */
public final class Command {
    private Command() {
    }

    /** What a finished command printed. */
    public record Result(int exit, String out, String err) {
        public boolean ok() {
            return exit == 0;
        }
    }

    /** Runs {@code argv} in {@code dir} (null: the current directory) and returns its result whatever the exit code. */
    public static Result run(List<String> argv, Path dir, long timeoutSeconds, String purpose) {
        ProcessBuilder builder = new ProcessBuilder(argv);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ModelException("cannot run " + argv.getFirst() + " to " + purpose + ": " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().contains("No such file") ? " (is it installed?)" : ""), e);
        }
        try {
            process.getOutputStream().close();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new ModelException(argv.getFirst() + " did not finish within " + timeoutSeconds + " s while trying to "
                        + purpose);
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ModelException("interrupted while trying to " + purpose, e);
        }
    }

    /** Runs {@code argv} and returns its standard output; a non-zero exit is an error quoting its standard error. */
    public static String output(List<String> argv, Path dir, long timeoutSeconds, String purpose) {
        Result result = run(argv, dir, timeoutSeconds, purpose);
        if (!result.ok()) {
            throw new ModelException("cannot " + purpose + ": " + String.join(" ", argv) + " exited with "
                    + result.exit() + lastLines(result.err()));
        }
        return result.out();
    }

    /** The tail of a tool's error output, enough to say what went wrong without flooding the terminal. */
    static String lastLines(String text) {
        List<String> lines = text.strip().lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            return "";
        }
        return ": " + String.join("; ", lines.subList(Math.max(0, lines.size() - 4), lines.size()));
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, Thread::startVirtualThread);
    }
}
