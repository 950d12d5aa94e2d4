package dev.berth.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code berth} in a separate JVM (this test JVM's java and class path), so stdin/stdout and crashes are real. */
final class CliProcess {
    private CliProcess() {
    }

    static ProcessBuilder builder(Path root, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName(),
                "--root", root.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }

    /** Runs to completion (killed by PID after two minutes) and returns the exit code. */
    static int run(ProcessBuilder builder) throws IOException, InterruptedException {
        Process process = builder.start();
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                throw new AssertionError("berth did not finish within two minutes: " + builder.command());
            }
            return process.exitValue();
        } finally {
            kill(process);
        }
    }

    /** SIGKILL, by PID, then reap. */
    static void kill(Process process) throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
