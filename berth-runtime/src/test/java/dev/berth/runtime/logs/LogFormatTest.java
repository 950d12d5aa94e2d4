package dev.berth.runtime.logs;

import dev.berth.runtime.ContainerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static dev.berth.runtime.logs.LogLine.Stream.STDERR;
import static dev.berth.runtime.logs.LogLine.Stream.STDOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogFormatTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456789Z");

    @TempDir
    Path dir;

    private Path log() {
        return dir.resolve("ctr.log");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writesTheK8sFileFormatConmonWrites() throws Exception {
        try (LogWriter writer = new LogWriter(log(), 0)) {
            writer.write(STDOUT, utf8("hello\nwor"), T0);
            writer.write(STDERR, utf8("oops\n"), T0.plusSeconds(1));
            writer.write(STDOUT, utf8("ld\n\n"), T0.plusSeconds(2));
        }
        assertThat(Files.readString(log())).isEqualTo("""
                2026-03-01T10:00:00.123456789Z stdout F hello
                2026-03-01T10:00:00.123456789Z stdout P wor
                2026-03-01T10:00:01.123456789Z stderr F oops
                2026-03-01T10:00:02.123456789Z stdout F ld
                2026-03-01T10:00:02.123456789Z stdout F\s
                """);
        assertThat(Files.getPosixFilePermissions(log())).hasToString("[OWNER_READ, OWNER_WRITE]");
    }

    @Test
    void partialRecordsAreJoinedPerStreamAndKeepTheTimeOfTheirStart() {
        try (LogWriter writer = new LogWriter(log(), 0)) {
            writer.write(STDOUT, utf8("hello\nwor"), T0);
            writer.write(STDERR, utf8("oops\n"), T0.plusSeconds(1));
            writer.write(STDOUT, utf8("ld\n\n"), T0.plusSeconds(2));
            writer.write(STDERR, utf8("no end"), T0.plusSeconds(3));
        }
        List<LogLine> lines = new LogReader(log(), 1).read(LogQuery.ALL);
        assertThat(lines).containsExactly(
                new LogLine(T0, STDOUT, utf8("hello\n")),
                new LogLine(T0.plusSeconds(1), STDERR, utf8("oops\n")),
                new LogLine(T0, STDOUT, utf8("world\n")),
                new LogLine(T0.plusSeconds(2), STDOUT, utf8("\n")),
                new LogLine(T0.plusSeconds(3), STDERR, utf8("no end")));
        assertThat(lines.getLast().complete()).isFalse();
        assertThat(lines.getFirst().complete()).isTrue();
    }

    @Test
    void binaryContentRoundTripsByteForByte() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int b = 0; b < 256; b++) {
            all.write(b);
        }
        byte[] data = all.toByteArray(); // holds one '\n' (10): two lines
        try (LogWriter writer = new LogWriter(log(), 0)) {
            writer.write(STDOUT, data, T0);
        }
        List<LogLine> lines = new LogReader(log(), 1).read(LogQuery.ALL);
        assertThat(lines).hasSize(2);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        lines.forEach(line -> joined.writeBytes(line.content()));
        assertThat(joined.toByteArray()).isEqualTo(data);
    }

    @Test
    void readsConmonsTimeOffsetsAndExtraTags() throws Exception {
        Files.writeString(log(), """
                2026-11-24T17:03:25.908056535+00:00 stdout F line-1
                2026-11-24T19:03:26.5+02:00 stderr P:x part
                2026-11-24T17:03:27Z stderr F ial
                """);
        List<LogLine> lines = new LogReader(log(), 1).read(LogQuery.ALL);
        assertThat(lines).containsExactly(
                new LogLine(Instant.parse("2026-11-24T17:03:25.908056535Z"), STDOUT, utf8("line-1\n")),
                new LogLine(Instant.parse("2026-11-24T17:03:26.5Z"), STDERR, utf8("partial\n")));
    }

    @Test
    void anUnfinishedRecordAtTheEndIsNotReadYet() throws Exception {
        Files.writeString(log(), "2026-11-24T17:03:25Z stdout F done\n2026-11-24T17:03:26Z stdout F half-wri");
        assertThat(new LogReader(log(), 1).read(LogQuery.ALL)).extracting(LogLine::text).containsExactly("done\n");
    }

    @Test
    void aForeignLineIsAClearError() throws Exception {
        Files.writeString(log(), "2026-11-24T17:03:25Z stdout F fine\n{\"log\":\"json-file?\"}\n");
        assertThatThrownBy(() -> new LogReader(log(), 1).read(LogQuery.ALL))
                .isInstanceOf(ContainerException.class)
                .hasMessageContaining(log().toString())
                .hasMessageContaining("not in k8s-file format")
                .hasMessageContaining("json-file?");
        Files.writeString(log(), "yesterday stdout F x\n");
        assertThatThrownBy(() -> new LogReader(log(), 1).read(LogQuery.ALL))
                .isInstanceOf(ContainerException.class).hasMessageContaining("\"yesterday stdout F x\"");
    }

    @Test
    void noLogFileYetReadsAsEmpty() {
        assertThat(new LogReader(log(), 3).read(LogQuery.ALL)).isEmpty();
    }

    @Test
    void badQueriesAndSizesAreRefused() {
        assertThatThrownBy(() -> new LogQuery(-2, null, null)).isInstanceOf(ContainerException.class)
                .hasMessageContaining("--tail");
        assertThatThrownBy(() -> new LogQuery(-1, T0, T0.minusSeconds(1))).isInstanceOf(ContainerException.class)
                .hasMessageContaining("--until");
        assertThatThrownBy(() -> new LogReader(log(), 0)).isInstanceOf(ContainerException.class)
                .hasMessageContaining("max-file");
        assertThatThrownBy(() -> new LogWriter(log(), -1)).isInstanceOf(ContainerException.class)
                .hasMessageContaining("max-size");
    }
}
