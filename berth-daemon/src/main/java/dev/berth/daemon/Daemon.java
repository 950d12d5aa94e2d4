package dev.berth.daemon;

import dev.berth.daemon.deploy.Deployments;
import dev.berth.daemon.engine.Engine;
import dev.berth.daemon.engine.EnginePaths;
import dev.berth.daemon.server.ApiServer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code berth daemon}: one engine per Berth root, serving its API on a Unix socket until SIGTERM or SIGINT. Shutting
 * down stops the API and the engine's own threads only; containers keep running under their monitors, and the next
 * daemon picks them up.
 */
public final class Daemon implements AutoCloseable {
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Engine engine;
    private final Deployments deployments;
    private final ApiServer server;

    private Daemon(FileChannel lockChannel, FileLock lock, Engine engine, Deployments deployments, ApiServer server) {
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.engine = engine;
        this.deployments = deployments;
        this.server = server;
    }

    /** Starts the daemon of {@code root}; fails if one already runs for it. */
    public static Daemon start(Path root, Path socket) {
        EnginePaths paths = new EnginePaths(root);
        FileChannel channel;
        FileLock lock;
        try {
            Files.createDirectories(root);
            channel = FileChannel.open(paths.daemonLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = channel.tryLock();
        } catch (IOException e) {
            throw new EngineException("cannot lock " + paths.daemonLock() + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // failing anyway
            }
            throw new EngineException("a Berth daemon is already running for " + root);
        }
        Engine engine = null;
        Deployments deployments = null;
        try {
            engine = Engine.open(root);
            deployments = Deployments.open(engine, root);
            ApiServer server = ApiServer.start(engine, deployments, socket);
            return new Daemon(channel, lock, engine, deployments, server);
        } catch (RuntimeException e) {
            if (deployments != null) {
                deployments.close();
            }
            if (engine != null) {
                engine.close();
            }
            try {
                lock.release();
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** {@code java … dev.berth.daemon.Daemon ROOT [SOCKET]}: the daemon without the CLI (tests start it this way). */
    public static void main(String[] args) throws InterruptedException {
        Path root = Path.of(args[0]);
        Daemon daemon = start(root, args.length > 1 ? Path.of(args[1]) : defaultSocket(root));
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "berth-daemon-shutdown"));
        System.err.println("berth daemon: serving " + root + " on " + daemon.socket());
        daemon.join();
    }

    public static Path defaultSocket(Path root) {
        // the built-in default, not $BERTH_ROOT: a root chosen by the environment gets a socket of its own
        Path builtIn = "root".equals(System.getProperty("user.name")) ? Path.of("/var/lib/berth")
                : Path.of(System.getProperty("user.home"), ".local", "share", "berth");
        return EnginePaths.socketFor(root, builtIn);
    }

    public Path socket() {
        return server.socket();
    }

    public Engine engine() {
        return engine;
    }

    public Deployments deployments() {
        return deployments;
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            // the proxies stop listening; replicas keep running for the next daemon to adopt
            deployments.close();
            engine.close();
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException ignored) {
                // the process is ending
            }
        }
    }
}
