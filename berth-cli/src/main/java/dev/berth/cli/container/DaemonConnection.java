package dev.berth.cli.container;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.GlobalOptions;
import dev.berth.daemon.Daemon;
import dev.berth.daemon.client.EngineClient;
import dev.berth.daemon.engine.EnginePaths;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the daemon of the current Berth root, and starts one when none answers, so users never start it by hand. The
 * daemon is started detached ({@code setsid}) with the same Java and class path as this process, its output in
 * {@code ROOT/daemon.log}.
 */
public final class DaemonConnection {
    private static final long START_TIMEOUT_MILLIS = 30_000;

    private DaemonConnection() {
    }

    /** The client of the current root's daemon, started first when none answers. */
    public static EngineClient client() {
        Path root = GlobalOptions.rootDir();
        EngineClient client = new EngineClient(Daemon.defaultSocket(root));
        if (Files.exists(client.socket()) && client.ping()) {
            return client;
        }
        startDaemon(root);
        long deadline = System.nanoTime() + START_TIMEOUT_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (Files.exists(client.socket()) && client.ping()) {
                return client;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new CommandFailure("the Berth daemon did not start within " + START_TIMEOUT_MILLIS / 1000 + " seconds; see "
                + new EnginePaths(root).daemonLog(), ExitCodes.BERTH_FAILED);
    }

    private static void startDaemon(Path root) {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.addAll(List.of("/usr/bin/setsid", "-f"));
        }
        command.add(java);
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.berth.cli.Main");
        command.add("--root");
        command.add(root.toString());
        command.add("daemon");
        try {
            Files.createDirectories(root);
            File log = new EnginePaths(root).daemonLog().toFile();
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new CommandFailure("cannot start the Berth daemon: " + e.getMessage(), ExitCodes.BERTH_FAILED);
        }
    }
}
