package dev.berth.build.engine;

/**
 * Phase timings of a build on standard error when {@code BERTH_BUILD_TRACE} is set: where the time of a short
 * (cached) build goes, without a profiler.
 */
final class Trace {
    private static final boolean ON = System.getenv("BERTH_BUILD_TRACE") != null;
    private static final long START = System.nanoTime();

    private Trace() {
    }

    static void mark(String phase) {
        if (ON) {
            System.err.printf("build trace: %7.1f ms  %s%n", (System.nanoTime() - START) / 1e6, phase);
        }
    }
}
