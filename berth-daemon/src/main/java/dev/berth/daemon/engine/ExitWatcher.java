package dev.berth.daemon.engine;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Learns of container exits from the exit files conmon writes ({@code run/exits/ID}), through inotify (the JDK's
 * WatchService on Linux), with a rescan every few seconds in case an event was dropped.
 */
final class ExitWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ExitWatcher.class.getName());
    private static final long RESCAN_SECONDS = 2;

    private final Path dir;
    private final Consumer<String> onExit;
    private WatchService watcher;
    private Thread thread;

    ExitWatcher(Path dir, Consumer<String> onExit) {
        this.dir = dir;
        this.onExit = onExit;
    }

    void start() {
        try {
            watcher = FileSystems.getDefault().newWatchService();
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException e) {
            throw new dev.berth.daemon.EngineException("cannot watch " + dir + ": " + e.getMessage(), e);
        }
        thread = Thread.ofPlatform().daemon().name("exit-watcher").start(this::loop);
        rescan(); // exits that happened while no engine was watching
    }

    private void loop() {
        while (true) {
            WatchKey key;
            try {
                key = watcher.poll(RESCAN_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            if (key == null) {
                rescan();
                continue;
            }
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    rescan();
                } else if (event.context() instanceof Path name) {
                    deliver(name.toString());
                }
            }
            if (!key.reset()) {
                return;
            }
        }
    }

    private void rescan() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                deliver(file.getFileName().toString());
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot scan " + dir + ": " + e.getMessage());
        }
    }

    private void deliver(String id) {
        // conmon writes ID.XXXXXX and renames it to ID: only finished exit files (64 hex digits) are ours to read
        if (!id.matches("[0-9a-f]{64}")) {
            return;
        }
        try {
            onExit.accept(id);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "handling the exit of " + id + " failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            if (watcher != null) {
                watcher.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        if (thread != null) {
            thread.interrupt();
        }
    }
}
