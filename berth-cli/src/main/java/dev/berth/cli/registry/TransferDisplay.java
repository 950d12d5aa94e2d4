package dev.berth.cli.registry;

import dev.berth.cli.output.ProgressBoard;
import dev.berth.cli.output.Terminal;
import dev.berth.oci.image.Descriptor;
import dev.berth.registry.client.TransferListener;
import java.io.PrintWriter;
import java.util.function.BiFunction;

/**
 * How a pull or push shows its layers: nothing with {@code -q}, a live progress board on a terminal, or one plain line
 * per layer event otherwise (what scripts and logs get).
 */
final class TransferDisplay implements TransferListener, AutoCloseable {
    private final PrintWriter out;
    private final boolean quiet;
    private final String verb;
    private final BiFunction<Status, String, String> text;
    private final ProgressBoard board;

    /** {@code verb} labels a moving bar ("Downloading", "Pushing"); {@code text} words a layer event. */
    TransferDisplay(PrintWriter out, boolean quiet, String verb, BiFunction<Status, String, String> text) {
        this.out = out;
        this.quiet = quiet;
        this.verb = verb;
        this.text = text;
        this.board = !quiet && Terminal.ansi() ? ProgressBoard.start(out, Terminal.columns()) : null;
    }

    @Override
    public void layer(Descriptor layer, Status status, String detail) {
        if (quiet) {
            return;
        }
        String id = layer.digest().shortHex();
        String line = text.apply(status, detail);
        if (board == null) {
            synchronized (out) {
                out.println(id + ": " + line);
                out.flush();
            }
        } else if (status == Status.RETRYING) {
            board.note(id, line);
        } else {
            board.done(id, line);
        }
    }

    @Override
    public void progress(Descriptor layer, long bytes, long total) {
        if (board != null) {
            board.progress(layer.digest().shortHex(), verb, bytes, total);
        }
    }

    /** Draws the board's final frame; the caller prints its summary lines after this. */
    @Override
    public void close() {
        if (board != null) {
            board.close();
        }
    }
}
