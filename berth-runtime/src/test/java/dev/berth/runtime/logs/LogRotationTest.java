package dev.berth.runtime.logs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.berth.runtime.logs.LogLine.Stream.STDERR;
import static dev.berth.runtime.logs.LogLine.Stream.STDOUT;
import static org.assertj.core.api.Assertions.assertThat;

/** The writer replaces the file as conmon does; the rotator keeps the old content; the reader reads it in order. */
class LogRotationTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    /** Each record is 45 bytes ("2026-03-01T10:00:00.000000000Z stdout F l0000\n" is 46 with the newline). */
    private static final int RECORD = 46;

    @TempDir
    Path dir;

    private Path log() {
        return dir.resolve("ctr.log");
    }

    /** Lines l0000.. one a second, 10 records a file, rotating after every write as the daemon's watcher would. */
    private void writeRotated(int lines, int maxFiles) {
        LogRotator rotator = new LogRotator(log(), maxFiles);
        try (LogWriter writer = new LogWriter(log(), 10L * RECORD)) {
            for (int i = 0; i < lines; i++) {
                writer.write(i % 7 == 3 ? STDERR : STDOUT, "l%04d\n".formatted(i).getBytes(), T0.plusSeconds(i));
                rotator.rotateIfReplaced();
            }
        }
    }

    private static List<String> texts(List<LogLine> lines) {
        return lines.stream().map(LogLine::text).toList();
    }

    private static List<String> expected(int from, int toExclusive) {
        return IntStream.range(from, toExclusive).mapToObj("l%04d\n"::formatted).toList();
    }

    @Test
    void keepsMaxFilesAndReadsThemInOrder() throws Exception {
        writeRotated(95, 3);
        // 95 lines, 10 a file: the live file has 5, .1 and .2 have 10 each; .3 would pass max-file=3
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("ctr.log", "ctr.log.1", "ctr.log.2", "ctr.log.held");
        }
        assertThat(Files.isSameFile(log(), dir.resolve("ctr.log.held"))).isTrue();
        assertThat(Files.size(log())).isEqualTo(5L * RECORD);
        List<LogLine> all = new LogReader(log(), 3).read(LogQuery.ALL);
        assertThat(texts(all)).isEqualTo(expected(70, 95));
        assertThat(all.get(3 - 0).stream()).isEqualTo(STDERR); // l0073: 73 % 7 == 3
    }

    @Test
    void tailAndSinceReachIntoRotatedFiles() {
        writeRotated(95, 3);
        LogReader reader = new LogReader(log(), 3);
        assertThat(texts(reader.read(new LogQuery(8, null, null)))).isEqualTo(expected(87, 95));
        assertThat(texts(reader.read(new LogQuery(22, null, null)))).isEqualTo(expected(73, 95));
        assertThat(texts(reader.read(new LogQuery(1000, null, null)))).isEqualTo(expected(70, 95));
        assertThat(reader.read(new LogQuery(0, null, null))).isEmpty();
        assertThat(texts(reader.read(new LogQuery(-1, T0.plusSeconds(78), null)))).isEqualTo(expected(78, 95));
        assertThat(texts(reader.read(new LogQuery(-1, T0.plusSeconds(72), T0.plusSeconds(81)))))
                .isEqualTo(expected(72, 82));
        // Docker's order: the last 5 lines, then the since filter
        assertThat(texts(reader.read(new LogQuery(5, T0.plusSeconds(92), null)))).isEqualTo(expected(92, 95));
        assertThat(reader.read(new LogQuery(5, null, T0.plusSeconds(80)))).isEmpty();
    }

    @Test
    void aReplacementNotYetRotatedIsStillRead() throws Exception {
        LogRotator rotator = new LogRotator(log(), 3);
        try (LogWriter writer = new LogWriter(log(), 10L * RECORD)) {
            for (int i = 0; i < 10; i++) {
                writer.write(STDOUT, "l%04d\n".formatted(i).getBytes(), T0.plusSeconds(i));
            }
            rotator.rotateIfReplaced(); // holds the full file
            for (int i = 10; i < 13; i++) {
                writer.write(STDOUT, "l%04d\n".formatted(i).getBytes(), T0.plusSeconds(i));
            }
            // replaced, not rotated: the held name keeps l0000-l0009, as it would across a daemon restart
            assertThat(Files.exists(dir.resolve("ctr.log.1"))).isFalse();
            assertThat(texts(new LogReader(log(), 3).read(LogQuery.ALL))).isEqualTo(expected(0, 13));
            assertThat(rotator.rotateIfReplaced()).isTrue();
            assertThat(rotator.rotateIfReplaced()).isFalse();
            assertThat(texts(new LogReader(log(), 3).read(LogQuery.ALL))).isEqualTo(expected(0, 13));
            assertThat(Files.readString(dir.resolve("ctr.log.1"))).contains("l0009").doesNotContain("l0010");
        }
    }

    @Test
    void maxFileOneKeepsOnlyTheLiveFile() throws Exception {
        writeRotated(25, 1);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("ctr.log");
        }
        assertThat(texts(new LogReader(log(), 1).read(LogQuery.ALL))).isEqualTo(expected(20, 25));
    }

    @Test
    void partialLineAcrossAReplacementIsJoined() {
        LogRotator rotator = new LogRotator(log(), 2);
        try (LogWriter writer = new LogWriter(log(), 3L * RECORD)) {
            writer.write(STDOUT, "l0000\nl0001\nl00".getBytes(), T0);
            rotator.rotateIfReplaced();
            writer.write(STDOUT, "02\n".getBytes(), T0.plusSeconds(1)); // replaced before this record
            rotator.rotateIfReplaced();
        }
        List<LogLine> lines = new LogReader(log(), 2).read(LogQuery.ALL);
        assertThat(texts(lines)).isEqualTo(expected(0, 3));
        assertThat(lines.get(2).time()).isEqualTo(T0);
        assertThat(texts(new LogReader(log(), 2).read(new LogQuery(1, null, null)))).containsExactly("l0002\n");
    }

    @Test
    void deleteAllRemovesEveryFile() throws Exception {
        writeRotated(40, 3);
        new LogRotator(log(), 3).deleteAll();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void followSeesNewLinesAcrossReplacementsAndReturnsWhenTheWriterStops() throws Exception {
        int total = 300;
        AtomicBoolean writing = new AtomicBoolean(true);
        LogRotator rotator = new LogRotator(log(), 100);
        try (LogWriter writer = new LogWriter(log(), 10L * RECORD)) {
            for (int i = 0; i < 5; i++) {
                writer.write(STDOUT, "l%04d\n".formatted(i).getBytes(), T0.plusSeconds(i));
            }
            Thread rotating = Thread.ofVirtual().start(() -> rotator.watch(writing::get));
            CountDownLatch following = new CountDownLatch(1);
            Thread producer = Thread.ofVirtual().start(() -> {
                try {
                    following.await(); // until follow has handed over the existing lines
                    for (int i = 5; i < total; i++) {
                        writer.write(STDOUT, "l%04d\n".formatted(i).getBytes(), T0.plusSeconds(i));
                        if (i % 10 == 0) {
                            Thread.sleep(5);
                        }
                    }
                    writer.write(STDOUT, "unfinished".getBytes(), T0.plusSeconds(total));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    writing.set(false);
                }
            });
            List<LogLine> seen = Collections.synchronizedList(new ArrayList<>());
            // tail 2 of what exists, then everything new
            new LogReader(log(), 100).follow(new LogQuery(2, null, null), line -> {
                seen.add(line);
                following.countDown();
            }, writing::get);
            producer.join();
            rotating.join();

            List<String> texts = texts(seen);
            // tail 2 of the 5 lines that existed when follow began, then all new ones
            List<String> expected = new ArrayList<>(expected(3, total));
            expected.add("unfinished");
            assertThat(texts).isEqualTo(expected);
            assertThat(Files.exists(dir.resolve("ctr.log.2"))).as("the log was replaced while followed").isTrue();
        }
    }

    @Test
    void followStopsAtUntil() {
        try (LogWriter writer = new LogWriter(log(), 0)) {
            for (int i = 0; i < 10; i++) {
                writer.write(STDOUT, "l%04d\n".formatted(i).getBytes(), T0.plusSeconds(i));
            }
        }
        List<LogLine> seen = new ArrayList<>();
        long started = System.nanoTime();
        new LogReader(log(), 1).follow(new LogQuery(-1, T0.plusSeconds(2), T0.plusSeconds(4)), seen::add, () -> true);
        assertThat(texts(seen)).isEqualTo(expected(2, 5));
        assertThat(System.nanoTime() - started).as("returned without waiting").isLessThan(5_000_000_000L);
    }

    @Test
    void followWaitsForAFileThatDoesNotExistYet() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<LogLine> seen = Collections.synchronizedList(new ArrayList<>());
        Thread follower = Thread.ofVirtual().start(
                () -> new LogReader(log(), 2).follow(LogQuery.ALL, seen::add, running::get));
        Thread.sleep(300);
        try (LogWriter writer = new LogWriter(log(), 0)) {
            writer.write(STDERR, "late\n".getBytes(), T0);
            for (int i = 0; i < 50 && seen.isEmpty(); i++) {
                Thread.sleep(20);
            }
            running.set(false);
        }
        follower.join(5000);
        assertThat(follower.isAlive()).isFalse();
        assertThat(seen).containsExactly(new LogLine(T0, STDERR, "late\n".getBytes()));
    }
}
