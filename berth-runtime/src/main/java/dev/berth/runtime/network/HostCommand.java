package dev.berth.runtime.network;

import dev.berth.runtime.ContainerException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs one host tool (ip, iptables-restore, nsenter) to completion and returns what it printed. */
final class HostCommand {
    private static final long TIMEOUT_SECONDS = 30;

    /** What a finished command printed and how it exited. */
    record Result(int exitCode, String stdout, String stderr) {
        boolean succeeded() {
            return exitCode == 0;
        }

        /** The first meaningful stderr line, without tool noise such as iptables' legacy-table warnings. */
        String reason() {
            String reason = stderr.lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("# Warning"))
                    .reduce((a, b) -> a + "; " + b)
                    .orElse("");
            return reason.isEmpty() ? "exit code " + exitCode : reason;
        }
    }

    private HostCommand() {
    }

    /** Runs the command and fails with a message naming {@code what} when it does not exit 0. */
    static String run(String what, String stdin, List<String> command) {
        Result result = attempt(stdin, command);
        if (!result.succeeded()) {
            throw new ContainerException(what + " failed: " + result.reason());
        }
        return result.stdout();
    }

    /** Runs the command and reports how it went; only failing to start it at all is an exception. */
    static Result attempt(String stdin, List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new ContainerException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        }
        try {
            // Both streams are drained concurrently so a chatty tool cannot block on a full pipe.
            CompletableFuture<String> stdout = drain(process.getInputStream());
            CompletableFuture<String> stderr = drain(process.getErrorStream());
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The tool exited before reading everything; its exit code and stderr say why.
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new ContainerException(String.join(" ", command.subList(0, Math.min(3, command.size())))
                        + " did not finish within " + TIMEOUT_SECONDS + " seconds");
            }
            return new Result(process.exitValue(), stdout.join(), stderr.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ContainerException("interrupted while running " + command.getFirst(), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, Thread::startVirtualThread);
    }
}
