package dev.berth.runtime.logs;

import java.time.Instant;

/** One line of a container's output: when it was written, to which stream, its bytes (with the newline, if it had one). */
public record LogLine(Instant time, Stream stream, byte[] content) {
    public enum Stream {
        STDOUT, STDERR
    }
}
