package dev.berth.runtime.logs;

import java.time.Instant;

/**
 * One record of the CRI "k8s-file" log format that conmon writes: {@code <RFC 3339 time> <stdout|stderr> <F|P>
 * <content>\n}. A line longer than conmon's read buffer, or not yet finished, is split into P (partial) records
 * followed by one F (full) record.
 */
record LogRecord(Instant time, LogLine.Stream stream, boolean partial, byte[] content) {
}
