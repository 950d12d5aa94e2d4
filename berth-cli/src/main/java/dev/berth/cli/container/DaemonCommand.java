package dev.berth.cli.container;

import dev.berth.cli.GlobalOptions;
import dev.berth.daemon.Daemon;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth daemon}: the engine for one Berth root. The CLI starts it on demand; run it by hand to watch its log.
 * SIGTERM and SIGINT stop it cleanly, leaving containers running.
 */
@Command(name = "daemon", description = "Run the Berth engine (started on demand by other commands).", mixinStandardHelpOptions = true)
public final class DaemonCommand implements Callable<Integer> {
    @Option(names = "--socket", paramLabel = "PATH", description = "Unix socket to serve the API on (default: /run/berth/berth.sock for the default root).")
    Path socket;

    @Override
    public Integer call() throws InterruptedException {
        Path root = GlobalOptions.rootDir();
        Daemon daemon = Daemon.start(root, socket != null ? socket : Daemon.defaultSocket(root));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "berth-daemon-shutdown"));
        System.err.println("berth daemon: serving " + root + " on " + daemon.socket());
        daemon.join();
        stopped.await();
        return 0;
    }
}
