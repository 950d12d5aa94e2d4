package dev.berth.daemon.engine;

/**
 * Keeps a container's rotated log files (Docker's max-file) while conmon starts a fresh file at max-size.
 * Placeholder until the log package's rotator is wired in.
 */
final class LogRotation {
    private LogRotation() {
    }

    static void startFor(Container c, LogOptions options) {
        // wired to dev.berth.runtime.logs.LogRotator once available
    }

    static void stop(Container c) {
    }
}
