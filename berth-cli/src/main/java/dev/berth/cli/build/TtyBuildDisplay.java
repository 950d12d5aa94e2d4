package dev.berth.cli.build;

import dev.berth.build.engine.BuildListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Build progress on a terminal: a finished step collapses to one line ({@code => [2/5] RUN make   3.1s}, or
 * {@code => CACHED [3/5] COPY . /src}) printed once; running steps stay at the bottom, redrawn about ten times a
 * second with their elapsed time and their last few lines of output.
 */
final class TtyBuildDisplay implements BuildListener, AutoCloseable {
    static final int TAIL_LINES = 6;
    private static final String ESC = "\u001b[";

    private final PrintWriter out;
    private final int columns;
    private final Map<Integer, Running> running = new LinkedHashMap<>();
    private final List<String> pending = new ArrayList<>();
    private int drawnLines;
    private final Thread renderer;
    private boolean closed;

    private static final class Running {
        final Step step;
        final long start = System.nanoTime();
        final Deque<String> tail = new ArrayDeque<>();

        Running(Step step) {
            this.step = step;
        }
    }

    TtyBuildDisplay(PrintWriter out, int columns) {
        this.out = out;
        this.columns = Math.max(40, columns);
        this.renderer = Thread.ofPlatform().daemon().name("berth-build-display").start(this::loop);
    }

    private void loop() {
        while (true) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                draw();
            }
        }
    }

    @Override
    public synchronized void started(Step step) {
        running.put(step.id(), new Running(step));
    }

    @Override
    public synchronized void cached(Step step) {
        running.remove(step.id());
        pending.add(cut("=> CACHED " + step.label() + " " + PlainBuildDisplay.firstLine(step.text())));
    }

    @Override
    public synchronized void output(Step step, String line, boolean stderr) {
        Running r = running.get(step.id());
        if (r != null) {
            r.tail.addLast(line.replace('\r', ' '));
            if (r.tail.size() > TAIL_LINES) {
                r.tail.removeFirst();
            }
        }
    }

    @Override
    public synchronized void finished(Step step, Duration took) {
        running.remove(step.id());
        pending.add(withTime("=> " + step.label() + " " + PlainBuildDisplay.firstLine(step.text()), took));
    }

    @Override
    public synchronized void failed(Step step, String message) {
        Running r = running.remove(step.id());
        pending.add(cut("=> ERROR " + step.label() + " " + PlainBuildDisplay.firstLine(step.text())));
        if (r != null) {
            for (String line : r.tail) {
                pending.add(cut("   " + line));
            }
        }
    }

    @Override
    public synchronized void warning(String message) {
        pending.add("WARNING: " + message);
    }

    @Override
    public synchronized void info(String message) {
        pending.add("=> " + message);
    }

    /** Erases the running region, prints newly finished lines for good, then draws the running steps again. */
    private void draw() {
        StringBuilder frame = new StringBuilder();
        if (drawnLines > 0) {
            frame.append(ESC).append(drawnLines).append('F').append(ESC).append("0J");
        }
        for (String line : pending) {
            frame.append(line).append('\n');
        }
        pending.clear();
        int lines = 0;
        for (Running r : running.values()) {
            frame.append(withTime("=> " + r.step.label() + " " + PlainBuildDisplay.firstLine(r.step.text()),
                    Duration.ofNanos(System.nanoTime() - r.start))).append('\n');
            lines++;
            for (String t : r.tail) {
                frame.append(ESC).append("2m").append(cut(" | " + t)).append(ESC).append("0m").append('\n');
                lines++;
            }
        }
        drawnLines = lines;
        out.print(frame);
        out.flush();
    }

    private String withTime(String text, Duration took) {
        String time = PlainBuildDisplay.seconds(took, 1) + "s";
        int room = columns - 1 - time.length() - 1;
        String t = text.length() > room ? text.substring(0, Math.max(0, room - 1)) + "…" : text;
        return t + " ".repeat(Math.max(1, room - t.length() + 1)) + time;
    }

    private String cut(String text) {
        return text.length() >= columns ? text.substring(0, columns - 2) + "…" : text;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            running.clear();
            draw();
            closed = true;
        }
        renderer.interrupt();
    }
}
