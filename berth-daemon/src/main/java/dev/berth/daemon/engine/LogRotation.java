package dev.berth.daemon.engine;

import dev.berth.runtime.logs.LogRotator;

/**
 * Keeps a container's rotated log files (Docker's max-file) while conmon starts a fresh file at max-size: one
 * virtual thread per running container with more than one log file, running {@link LogRotator#watch}.
 */
final class LogRotation {
    private static final java.util.Map<String, Thread> WATCHERS = new java.util.concurrent.ConcurrentHashMap<>();

    private LogRotation() {
    }

    static void startFor(Container c, LogOptions options) {
        if (options.maxSize() <= 0 || options.maxFiles() <= 1) {
            return;
        }
        LogRotator rotator = new LogRotator(c.files.log(), options.maxFiles());
        rotator.rotateIfReplaced(); // a replacement made while no engine watched
        stop(c);
        WATCHERS.put(c.id(), Thread.ofVirtual().name("logs-" + c.id().substring(0, 12))
                .start(() -> rotator.watch(() -> c.running() && !Thread.currentThread().isInterrupted())));
    }

    static void stop(Container c) {
        Thread t = WATCHERS.remove(c.id());
        if (t != null) {
            t.interrupt();
        }
    }
}
