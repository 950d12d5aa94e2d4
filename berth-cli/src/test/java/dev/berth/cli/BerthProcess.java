package dev.berth.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the berth CLI as its own JVM, on this test's class path, against a given root. */
final class BerthProcess {
    private BerthProcess() {
    }

    static ProcessBuilder builder(Path root, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.add("--root");
        command.add(root.toString());
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    static Process start(Path root, Path log, String... args) throws IOException {
        return builder(root, args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
