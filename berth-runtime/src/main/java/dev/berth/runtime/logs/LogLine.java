package dev.berth.runtime.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One line a container wrote.
 *
 * @param time    when its first byte was logged
 * @param stream  which output it came from
 * @param content the bytes as written, ending in "\n" unless the container has not (yet) finished the line
 */
public record LogLine(Instant time, Stream stream, byte[] content) {

    /** The two outputs of a container process. */
    public enum Stream {
        STDOUT, STDERR;

        /** The word the k8s-file format uses. */
        String word() {
            return this == STDOUT ? "stdout" : "stderr";
        }
    }

    public LogLine {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(stream, "stream");
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /** True when the line ends in "\n"; false for the unfinished last line of a stream. */
    public boolean complete() {
        return content.length > 0 && content[content.length - 1] == '\n';
    }

    /** The content as UTF-8 text (malformed bytes replaced), for display and tests. */
    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogLine other && time.equals(other.time) && stream == other.stream
                && Arrays.equals(content, other.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(time, stream, Arrays.hashCode(content));
    }

    @Override
    public String toString() {
        return "LogLine[" + time + " " + stream.word() + " " + text().replace("\n", "\\n") + "]";
    }
}
