package dev.berth.cli.build;

import dev.berth.build.engine.BuildListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * Build progress as plain lines, for logs and pipes: {@code #3 [builder 2/5] RUN make}, then the step's output lines
 * prefixed by its number and the seconds since it started, then {@code #3 DONE 1.2s}, {@code #3 CACHED} or
 * {@code #3 ERROR …}. Parallel stages interleave; every line names its step, whose label names its stage.
 */
final class PlainBuildDisplay implements BuildListener {
    private final PrintWriter out;
    private final java.util.Map<Integer, Long> starts = new java.util.concurrent.ConcurrentHashMap<>();

    PlainBuildDisplay(PrintWriter out) {
        this.out = out;
    }

    @Override
    public synchronized void started(Step step) {
        starts.put(step.id(), System.nanoTime());
        out.println("#" + step.id() + " " + step.label() + " " + firstLine(step.text()));
        out.flush();
    }

    @Override
    public synchronized void cached(Step step) {
        out.println("#" + step.id() + " CACHED");
        out.flush();
    }

    @Override
    public synchronized void output(Step step, String line, boolean stderr) {
        long start = starts.getOrDefault(step.id(), System.nanoTime());
        out.println("#" + step.id() + " " + seconds(Duration.ofNanos(System.nanoTime() - start), 3) + " " + line);
        out.flush();
    }

    @Override
    public synchronized void finished(Step step, Duration took) {
        out.println("#" + step.id() + " DONE " + seconds(took, 1) + "s");
        out.flush();
    }

    @Override
    public synchronized void failed(Step step, String message) {
        out.println("#" + step.id() + " ERROR: " + message.lines().findFirst().orElse(message));
        out.flush();
    }

    @Override
    public synchronized void warning(String message) {
        out.println("WARNING: " + message);
        out.flush();
    }

    @Override
    public synchronized void info(String message) {
        out.println("=> " + message);
        out.flush();
    }

    static String firstLine(String text) {
        String first = text.lines().findFirst().orElse("");
        return text.contains("\n") ? first + " …" : first;
    }

    static String seconds(Duration d, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", d.toNanos() / 1e9);
    }
}
