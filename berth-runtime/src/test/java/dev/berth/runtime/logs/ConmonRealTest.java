package dev.berth.runtime.logs;

import dev.berth.runtime.cgroup.Cgroups;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.berth.runtime.logs.LogLine.Stream.STDERR;
import static dev.berth.runtime.logs.LogLine.Stream.STDOUT;
import static org.assertj.core.api.Assertions.assertThat;

/** Real busybox containers through conmon 2.1.6 and runc: the log files conmon writes, read by LogReader. */
class ConmonRealTest {
    @TempDir
    Path dir;

    @Test
    void streamsPartialLinesAndTheExitFile() throws Exception {
        try (ConmonContainer ctr = new ConmonContainer(dir, 0, "echo out; sleep 0.1; echo err >&2; sleep 0.1; "
                + "printf partial; sleep 0.3; echo ' done'; echo; printf 'no newline'")) {
            ctr.start(0);
            assertThat(ctr.awaitExit(Duration.ofSeconds(30))).isEqualTo("0");
            assertThat(Files.readString(ctr.persistDir.resolve("exit"))).isEqualTo("0");
            assertThat(Files.exists(ctr.persistDir.resolve("oom"))).isFalse();

            List<LogLine> lines = new LogReader(ctr.log, 1).read(LogQuery.ALL);
            assertThat(lines).extracting(LogLine::stream, LogLine::text).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(STDOUT, "out\n"),
                    org.assertj.core.groups.Tuple.tuple(STDERR, "err\n"),
                    org.assertj.core.groups.Tuple.tuple(STDOUT, "partial done\n"),
                    org.assertj.core.groups.Tuple.tuple(STDOUT, "\n"),
                    org.assertj.core.groups.Tuple.tuple(STDOUT, "no newline"));
            String raw = Files.readString(ctr.log);
            assertThat(raw).contains(" stdout P partial\n").contains(" stdout F  done\n");
            assertThat(lines.get(2).time()).as("a joined line keeps the time of its start")
                    .isBefore(lines.get(3).time());
        }
    }

    @Test
    void conmonReplacesTheFileAndKeepsNoOldContent() throws Exception {
        try (ConmonContainer ctr = new ConmonContainer(dir, 0,
                "i=0; while [ $i -lt 300 ]; do echo line-$i; i=$((i+1)); done")) {
            ctr.start(2000);
            assertThat(ctr.awaitExit(Duration.ofSeconds(30))).isEqualTo("0");
            try (Stream<Path> files = Files.list(ctr.log.getParent())) {
                assertThat(files).containsExactly(ctr.log);
            }
            assertThat(Files.size(ctr.log)).isLessThanOrEqualTo(2000);
            List<String> lines = new LogReader(ctr.log, 1).read(LogQuery.ALL).stream().map(LogLine::text).toList();
            assertThat(lines.getLast()).isEqualTo("line-299\n");
            assertThat(lines.getFirst()).as("the start is gone").isNotEqualTo("line-0\n");
        }
    }

    @Test
    void theRotatorKeepsDockerStyleFilesWhileConmonReplaces() throws Exception {
        int total = 400;
        try (ConmonContainer ctr = new ConmonContainer(dir, 0,
                "i=0; while [ $i -lt " + total + " ]; do echo line-$i; i=$((i+1)); "
                        + "if [ $((i % 8)) = 0 ]; then sleep 0.02; fi; done")) {
            AtomicBoolean running = new AtomicBoolean(true);
            LogRotator rotator = new LogRotator(ctr.log, 4);
            ctr.start(1500);
            Thread watcher = Thread.ofVirtual().start(() -> rotator.watch(running::get));
            assertThat(ctr.awaitExit(Duration.ofSeconds(60))).isEqualTo("0");
            running.set(false);
            watcher.join();

            Path logs = ctr.log.getParent();
            try (Stream<Path> files = Files.list(logs)) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted())
                        .containsExactly("ctr.log", "ctr.log.1", "ctr.log.2", "ctr.log.3", "ctr.log.held");
            }
            for (String name : List.of("ctr.log", "ctr.log.1", "ctr.log.2", "ctr.log.3")) {
                assertThat(Files.size(logs.resolve(name))).isLessThanOrEqualTo(1500);
            }
            List<String> lines = new LogReader(ctr.log, 4).read(LogQuery.ALL).stream().map(LogLine::text).toList();
            int first = Integer.parseInt(lines.getFirst().strip().substring("line-".length()));
            // every generation kept, in order, without a gap: the lines are consecutive up to the last one
            assertThat(lines).isEqualTo(IntStream.range(first, total).mapToObj(i -> "line-" + i + "\n").toList());
            assertThat(first).as("three old files of ~25 lines each are kept, older ones dropped")
                    .isBetween(total - 4 * 40, total - 3 * 15);
            assertThat(new LogReader(ctr.log, 4).read(new LogQuery(60, null, null)))
                    .extracting(LogLine::text).first().isEqualTo("line-" + (total - 60) + "\n");
        }
    }

    @Test
    void oomKillShowsInTheExitCodeTheOomFileAndTheCgroup() throws Exception {
        try (ConmonContainer ctr = new ConmonContainer(dir, 32L * 1024 * 1024,
                "echo start; x=a; while true; do x=$x$x; done")) {
            ctr.start(0);
            assertThat(ctr.awaitExit(Duration.ofSeconds(60))).isEqualTo("137");
            assertThat(Files.exists(ctr.persistDir.resolve("oom"))).as("conmon's oom marker").isTrue();
            assertThat(Files.size(ctr.persistDir.resolve("oom"))).isZero();
            // runc leaves the stopped container's cgroup until delete: the kernel's count is there
            assertThat(Cgroups.detect().oomKillCount(ctr.cgroupsPath)).isGreaterThanOrEqualTo(1);
            assertThat(new LogReader(ctr.log, 1).read(LogQuery.ALL)).extracting(LogLine::text)
                    .containsExactly("start\n");
        }
    }
}
