package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cli.output.ProgressBoard;
import dev.berth.cli.output.Terminal;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Frames of the terminal progress display, on a fake clock. */
class ProgressBoardTest {
    static final String ESC = "\u001b[";
    static final String CLEAR = "\r" + ESC + "2K";
    static final long SECOND = 1_000_000_000L;

    final AtomicLong nanos = new AtomicLong(1234);
    final StringWriter out = new StringWriter();

    /** Everything written since the last call. */
    String take() {
        String text = out.toString();
        out.getBuffer().setLength(0);
        return text;
    }

    static String bar(int filled, int width) {
        return "[" + "=".repeat(filled) + (filled < width ? ">" + " ".repeat(width - filled - 1) : "") + "]";
    }

    @Test
    void drawsLinesInPlaceWithBarRateEtaAndFinalText() {
        ProgressBoard board = new ProgressBoard(out, nanos::get, 120);
        board.progress("aaaaaaaaaaaa", "Downloading", 1_000_000, 10_000_000);
        board.done("bbbbbbbbbbbb", "Already exists");
        assertThat(board.render()).isTrue();
        assertThat(take()).isEqualTo(
                CLEAR + "aaaaaaaaaaaa: Downloading " + bar(5, 50) + " 1MB/10MB\n"
                + CLEAR + "bbbbbbbbbbbb: Already exists\n");

        nanos.addAndGet(SECOND);
        board.progress("aaaaaaaaaaaa", "Downloading", 3_000_000, 10_000_000);
        assertThat(board.render()).isTrue();
        assertThat(take()).isEqualTo(ESC + "2A"
                + CLEAR + "aaaaaaaaaaaa: Downloading " + bar(15, 50) + " 3MB/10MB 2MB/s ETA 4s\n"
                + CLEAR + "bbbbbbbbbbbb: Already exists\n");

        assertThat(board.render()).as("nothing changed").isFalse();
        assertThat(take()).isEmpty();

        board.progress("cccccccccccc", "Downloading", 500, 1000);
        board.render();
        assertThat(take()).isEqualTo(ESC + "2A"
                + CLEAR + "aaaaaaaaaaaa: Downloading " + bar(15, 50) + " 3MB/10MB 2MB/s ETA 4s\n"
                + CLEAR + "bbbbbbbbbbbb: Already exists\n"
                + CLEAR + "cccccccccccc: Downloading " + bar(25, 50) + " 500B/1kB\n");

        board.done("aaaaaaaaaaaa", "Pull complete");
        board.progress("aaaaaaaaaaaa", "Downloading", 4_000_000, 10_000_000); // late: ignored
        board.progress("cccccccccccc", "Downloading", 1000, 1000);
        board.done("cccccccccccc", "Pull complete");
        board.close();
        assertThat(take()).isEqualTo(ESC + "3A"
                + CLEAR + "aaaaaaaaaaaa: Pull complete\n"
                + CLEAR + "bbbbbbbbbbbb: Already exists\n"
                + CLEAR + "cccccccccccc: Pull complete\n");
        board.close();
        assertThat(board.render()).isFalse();
        assertThat(take()).as("the final state is printed once").isEmpty();
    }

    @Test
    void rateAndEtaFollowTheClockAndUnits() {
        ProgressBoard board = new ProgressBoard(out, nanos::get, 120);
        board.progress("0123456789ab", "Downloading", 4_200_000, 45_600_000);
        nanos.addAndGet(SECOND);
        board.progress("0123456789ab", "Downloading", 12_300_000, 45_600_000);
        // 8.1MB in a second; 33.3MB left takes 4.1s, shown rounded up
        assertThat(board.texts()).containsExactly(
                "0123456789ab: Downloading " + bar(13, 50) + " 12.3MB/45.6MB 8.1MB/s ETA 5s");

        nanos.addAndGet(SECOND); // no bytes for a second: the rate halves, the ETA grows
        assertThat(board.texts()).containsExactly(
                "0123456789ab: Downloading " + bar(13, 50) + " 12.3MB/45.6MB 4.05MB/s ETA 9s");

        board.progress("ffffffffffff", "Pushing", 0, 200_000_000);
        nanos.addAndGet(100 * SECOND);
        board.progress("ffffffffffff", "Pushing", 75_000_000, 200_000_000);
        assertThat(board.texts().get(1)).isEqualTo(
                "ffffffffffff: Pushing " + bar(18, 50) + " 75MB/200MB 750kB/s ETA 2m47s");
    }

    @Test
    void aRetryShowsItsNoteAndRestartsTheRate() {
        ProgressBoard board = new ProgressBoard(out, nanos::get, 120);
        board.progress("aaaaaaaaaaaa", "Downloading", 100_000, 1_000_000);
        nanos.addAndGet(SECOND);
        board.progress("aaaaaaaaaaaa", "Downloading", 600_000, 1_000_000);
        board.note("aaaaaaaaaaaa", "Retrying (connection reset)");
        assertThat(board.texts()).containsExactly("aaaaaaaaaaaa: Retrying (connection reset)");
        nanos.addAndGet(SECOND);
        board.progress("aaaaaaaaaaaa", "Downloading", 0, 1_000_000);
        assertThat(board.texts()).containsExactly("aaaaaaaaaaaa: Downloading " + bar(0, 50) + " 0B/1MB");
    }

    @Test
    void narrowTerminalsGetAShorterBarOrNoneAndLinesNeverWrap() {
        ProgressBoard board = new ProgressBoard(out, nanos::get, 80);
        board.progress("aaaaaaaaaaaa", "Downloading", 1_000_000, 10_000_000);
        nanos.addAndGet(SECOND);
        board.progress("aaaaaaaaaaaa", "Downloading", 3_000_000, 10_000_000);
        String tail = " 3MB/10MB 2MB/s ETA 4s";
        int width = 79 - "aaaaaaaaaaaa: Downloading".length() - 4 - 30; // room for a tail of up to 30
        assertThat(board.texts()).containsExactly("aaaaaaaaaaaa: Downloading " + bar(width * 3 / 10, width) + tail);
        board.progress("aaaaaaaaaaaa", "Downloading", 9_990_000, 10_000_000);
        assertThat(board.texts().getFirst()).as("the bar keeps its width")
                .startsWith("aaaaaaaaaaaa: Downloading " + bar(width * 999 / 1000, width) + " 9.99MB/10MB");
        board.progress("aaaaaaaaaaaa", "Downloading", 10_000_000, 10_000_000);
        assertThat(board.texts().getFirst()).as("no ETA once all is there")
                .endsWith(bar(width, width) + " 10MB/10MB 9MB/s");

        ProgressBoard narrow = new ProgressBoard(out, nanos::get, 40);
        narrow.progress("aaaaaaaaaaaa", "Downloading", 1_000_000, 10_000_000);
        narrow.note("bbbbbbbbbbbb", "Retrying (a very long reason that does not fit at all)");
        assertThat(narrow.texts()).containsExactly("aaaaaaaaaaaa: Downloading 1MB/10MB",
                "bbbbbbbbbbbb: Retrying (a very long rea");
    }

    @Test
    void theRendererThreadDrawsAtMostTenFramesASecondAndTheFinalStateOnce() throws Exception {
        long started = System.nanoTime();
        ProgressBoard board = ProgressBoard.start(out, 120);
        for (int i = 1; i <= 50; i++) {
            board.progress("aaaaaaaaaaaa", "Downloading", i * 1000L, 100_000);
            Thread.sleep(10);
        }
        board.done("aaaaaaaaaaaa", "Pull complete");
        board.close();
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        String text = out.toString();
        int frames = text.split("\r", -1).length - 1; // one line, so one carriage return a frame
        assertThat(frames).isBetween(1, (int) (elapsedMillis / ProgressBoard.FRAME_MILLIS) + 1);
        assertThat(text).endsWith(CLEAR + "aaaaaaaaaaaa: Pull complete\n");
        assertThat(text.indexOf("Pull complete")).isEqualTo(text.lastIndexOf("Pull complete"));
    }

    @Test
    void ansiOnlyOnATerminalWithoutNoColorOrDumbTerm() {
        assertThat(Terminal.ansi(true, Map.of("TERM", "xterm-256color"))).isTrue();
        assertThat(Terminal.ansi(true, Map.of())).isTrue();
        assertThat(Terminal.ansi(false, Map.of("TERM", "xterm"))).isFalse();
        assertThat(Terminal.ansi(true, Map.of("NO_COLOR", "1"))).isFalse();
        assertThat(Terminal.ansi(true, Map.of("NO_COLOR", ""))).isTrue();
        assertThat(Terminal.ansi(true, Map.of("TERM", "dumb"))).isFalse();
        assertThat(Terminal.columns(Map.of("COLUMNS", "132"))).isEqualTo(132);
        assertThat(Terminal.columns(Map.of("COLUMNS", "wide"))).isEqualTo(80);
        assertThat(Terminal.columns(Map.of())).isEqualTo(80);
    }
}
