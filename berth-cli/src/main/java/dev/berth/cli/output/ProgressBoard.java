package dev.berth.cli.output;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Docker's progress display on a terminal: one line per item (a layer), in the order they first report, redrawn in place
 * with ANSI cursor movement, for example {@code 0a1b2c3d4e5f: Downloading [=====>     ] 12.3MB/45.6MB 8.1MB/s ETA 4s},
 * until the item's final text ({@code Pull complete}) replaces it.
 *
 * <p>Thread-safe: transfer threads report with {@link #progress}, {@link #note} and {@link #done}; frames are drawn only by
 * {@link #render} (from one renderer thread when made by {@link #start}, about ten times a second) and once more by
 * {@link #close}. A frame is written only when its text differs from the last one, so the final state appears once.
 */
public final class ProgressBoard implements AutoCloseable {
    /** Characters between the brackets of a full-width bar. */
    public static final int BAR_WIDTH = 50;
    /** Narrowest bar worth drawing; a line with less room has none. */
    static final int MIN_BAR_WIDTH = 10;
    /** Room kept for the sizes, rate and ETA after the bar, so the bar keeps its width as they change. */
    static final int TAIL_WIDTH = 30;
    /** Time between frames of the renderer thread. */
    public static final long FRAME_MILLIS = 100;

    private static final String ESC = "\u001b[";

    private final Writer out;
    private final LongSupplier nanoClock;
    private final int columns;
    private final Map<String, Line> lines = new LinkedHashMap<>();
    private List<String> drawn = List.of();
    private Thread renderer;
    private boolean closed;

    private static final class Line {
        final String id;
        String action;
        long bytes;
        long total = -1;
        long startNanos;
        long startBytes;
        boolean started;
        String note;
        String done;

        Line(String id) {
            this.id = id;
        }
    }

    /**
     * @param out where frames go (flushed after each)
     * @param nanoClock a monotonic clock in nanoseconds, as {@link System#nanoTime}
     * @param columns width of the terminal; lines are cut to one less, so they never wrap
     */
    public ProgressBoard(Writer out, LongSupplier nanoClock, int columns) {
        this.out = out;
        this.nanoClock = nanoClock;
        this.columns = Math.max(20, columns);
    }

    /** A board on the system clock with its renderer thread running; {@link #close} stops it and draws the last frame. */
    public static ProgressBoard start(Writer out, int columns) {
        ProgressBoard board = new ProgressBoard(out, System::nanoTime, columns);
        board.renderer = Thread.ofPlatform().daemon().name("berth-progress").start(board::renderLoop);
        return board;
    }

    private void renderLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(FRAME_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                render();
            }
        }
    }

    /** {@code bytes} of {@code total} (unknown if negative) moved for the item; shows {@code action} and a bar. */
    public synchronized void progress(String id, String action, long bytes, long total) {
        Line line = line(id);
        if (line.done != null) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (!line.started || bytes < line.bytes) {
            line.started = true; // a retry that starts over measures its rate afresh
            line.startNanos = now;
            line.startBytes = bytes;
        }
        line.action = action;
        line.bytes = bytes;
        line.total = total;
        line.note = null;
    }

    /** Text shown instead of the bar until the next progress, such as {@code Retrying (...)}. */
    public synchronized void note(String id, String text) {
        Line line = line(id);
        if (line.done == null) {
            line.note = text;
        }
    }

    /** The item's final text, such as {@code Pull complete}; later reports about it are ignored. */
    public synchronized void done(String id, String text) {
        line(id).done = text;
    }

    private Line line(String id) {
        return lines.computeIfAbsent(id, Line::new);
    }

    /** The text of each line as it would be drawn now. */
    public synchronized List<String> texts() {
        long now = nanoClock.getAsLong();
        List<String> texts = new ArrayList<>(lines.size());
        for (Line line : lines.values()) {
            texts.add(fit(text(line, now)));
        }
        return texts;
    }

    /**
     * Draws a frame if it differs from the last drawn: the cursor goes up over the lines drawn before, each line is
     * cleared and written again, new lines are added below. Returns whether anything was written.
     */
    public synchronized boolean render() {
        List<String> texts = texts();
        if (texts.equals(drawn)) {
            return false;
        }
        StringBuilder frame = new StringBuilder();
        if (!drawn.isEmpty()) {
            frame.append(ESC).append(drawn.size()).append('A');
        }
        for (String text : texts) {
            frame.append('\r').append(ESC).append("2K").append(text).append('\n');
        }
        drawn = List.copyOf(texts);
        try {
            out.write(frame.toString());
            out.flush();
        } catch (IOException e) {
            // as PrintWriter: the display is best effort
        }
        return true;
    }

    /** Stops the renderer thread, if any, and draws the final frame (nothing if it is already on screen). */
    @Override
    public void close() {
        Thread thread;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            thread = renderer;
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        render();
    }

    private String text(Line line, long now) {
        String head = line.id + ": ";
        if (line.done != null) {
            return head + line.done;
        }
        if (line.note != null) {
            return head + line.note;
        }
        if (!line.started) {
            return head + (line.action == null ? "Waiting" : line.action);
        }
        StringBuilder tail = new StringBuilder(Units.humanSize(line.bytes));
        if (line.total >= 0) {
            tail.append('/').append(Units.humanSize(line.total));
        }
        double seconds = (now - line.startNanos) / 1e9;
        long moved = line.bytes - line.startBytes;
        if (seconds > 0 && moved > 0) {
            double rate = moved / seconds;
            tail.append(' ').append(Units.humanSize(Math.round(rate))).append("/s");
            if (line.total > line.bytes) {
                tail.append(" ETA ").append(eta((long) Math.ceil((line.total - line.bytes) / rate)));
            }
        }
        String start = head + line.action;
        if (line.total > 0) {
            int width = Math.min(BAR_WIDTH, columns - 1 - start.length() - 4 - Math.max(TAIL_WIDTH, tail.length()));
            if (width >= MIN_BAR_WIDTH) {
                return start + " [" + bar(line.bytes, line.total, width) + "] " + tail;
            }
        }
        return start + " " + tail;
    }

    /** {@code width} characters: '=' for the share done, then '>' and spaces unless it is all done. */
    static String bar(long bytes, long total, int width) {
        int filled = (int) Math.min(width, Math.max(0, (double) bytes / total * width));
        if (filled >= width) {
            return "=".repeat(width);
        }
        return "=".repeat(filled) + ">" + " ".repeat(width - filled - 1);
    }

    /** "4s", "1m05s", "2h03m". */
    static String eta(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        } else if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }

    private String fit(String text) {
        return text.length() < columns ? text : text.substring(0, columns - 1);
    }
}
