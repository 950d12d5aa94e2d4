package dev.berth.cli.container;

/**
 * With BERTH_TRACE=1, prints on stderr how long after the process started each step of a container command ended:
 * where the time of `berth run` goes, without a profiler.
 */
final class Trace {
    private static final boolean ON = "1".equals(System.getenv("BERTH_TRACE"));

    private Trace() {
    }

    static void mark(String step) {
        if (ON) {
            long started = ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
            System.err.println("trace " + (System.currentTimeMillis() - started) + " ms " + step);
        }
    }
}
