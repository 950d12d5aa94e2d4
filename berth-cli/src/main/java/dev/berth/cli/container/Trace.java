package dev.berth.cli.container;

/**
 * With BERTH_TRACE=1, prints on stderr how long after the process started each step of a container command ended:
 * where the time of `berth run` goes, without a profiler.
 */
final class Trace {
    private static final boolean ON = "1".equals(System.getenv("BERTH_TRACE"));

    private Trace() {
    }

    /** The JVM's start, from the runtime's own clock (milliseconds since the epoch). */
    private static final long JVM_START = ON ? java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime() : 0;

    static void mark(String step) {
        if (ON) {
            System.err.println("trace " + (System.currentTimeMillis() - JVM_START) + " ms after JVM start: " + step);
        }
    }
}
