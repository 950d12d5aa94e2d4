package dev.berth.runtime.logs;

import dev.berth.runtime.ContainerException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;

/** Encodes and decodes records of the k8s-file log format. */
final class K8sFileFormat {
    /** RFC 3339 with all nine fraction digits, so lines sort as text and round-trip exactly. */
    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 9, 9, true)
            .appendLiteral('Z')
            .toFormatter()
            .withZone(ZoneOffset.UTC);

    private K8sFileFormat() {
    }

    /** One record, newline included. {@code content} must not hold '\n'. */
    static byte[] encode(Instant time, LogLine.Stream stream, boolean partial, byte[] content, int offset,
                         int length) {
        byte[] head = (TIME.format(time) + " " + stream.word() + " " + (partial ? "P " : "F "))
                .getBytes(StandardCharsets.US_ASCII);
        byte[] record = new byte[head.length + length + 1];
        System.arraycopy(head, 0, record, 0, head.length);
        System.arraycopy(content, offset, record, head.length, length);
        record[record.length - 1] = '\n';
        return record;
    }

    /**
     * Decodes the record in {@code bytes[start, end)} (its '\n' excluded). The time may carry any offset (conmon
     * writes the local one, "+00:00"); the tag may carry more ':'-separated tags after P or F.
     */
    static LogRecord decode(byte[] bytes, int start, int end, String where) {
        int s1 = indexOf(bytes, (byte) ' ', start, end);
        int s2 = s1 < 0 ? -1 : indexOf(bytes, (byte) ' ', s1 + 1, end);
        if (s2 < 0) {
            throw malformed(bytes, start, end, where);
        }
        int s3 = indexOf(bytes, (byte) ' ', s2 + 1, end);
        int tagEnd = s3 < 0 ? end : s3;
        Instant time;
        try {
            time = OffsetDateTime.parse(ascii(bytes, start, s1), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw malformed(bytes, start, end, where);
        }
        LogLine.Stream stream = switch (ascii(bytes, s1 + 1, s2)) {
            case "stdout" -> LogLine.Stream.STDOUT;
            case "stderr" -> LogLine.Stream.STDERR;
            default -> throw malformed(bytes, start, end, where);
        };
        String tag = ascii(bytes, s2 + 1, tagEnd).split(":", 2)[0];
        boolean partial = switch (tag) {
            case "P" -> true;
            case "F" -> false;
            default -> throw malformed(bytes, start, end, where);
        };
        int contentStart = s3 < 0 ? end : s3 + 1;
        byte[] content = new byte[end - contentStart];
        System.arraycopy(bytes, contentStart, content, 0, content.length);
        return new LogRecord(time, stream, partial, content);
    }

    /**
     * Decodes every complete record in {@code bytes[0, length)} into {@code out}; returns where the unfinished rest
     * (a record still being written) begins.
     */
    static int decodeAll(byte[] bytes, int length, List<LogRecord> out, String where) {
        int start = 0;
        while (start < length) {
            int newline = indexOf(bytes, (byte) '\n', start, length);
            if (newline < 0) {
                break;
            }
            out.add(decode(bytes, start, newline, where));
            start = newline + 1;
        }
        return start;
    }

    private static ContainerException malformed(byte[] bytes, int start, int end, String where) {
        String shown = new String(bytes, start, Math.min(end - start, 120), StandardCharsets.UTF_8);
        return new ContainerException("log file " + where + " holds a record that is not in k8s-file format "
                + "(<time> <stdout|stderr> <F|P> <content>): \"" + shown + "\"");
    }

    private static String ascii(byte[] bytes, int start, int end) {
        return new String(bytes, start, end - start, StandardCharsets.US_ASCII);
    }

    private static int indexOf(byte[] bytes, byte wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** Joins records of one stream into lines: P records wait for the F record that ends their line. */
    static final class Assembler {
        private final ByteArrayOutputStream[] pending = new ByteArrayOutputStream[2];
        private final Instant[] pendingSince = new Instant[2];

        /** The line this record completes, or null when it is a partial one. */
        LogLine add(LogRecord record) {
            int i = record.stream().ordinal();
            if (record.partial()) {
                if (pending[i] == null) {
                    pending[i] = new ByteArrayOutputStream();
                    pendingSince[i] = record.time();
                }
                pending[i].writeBytes(record.content());
                return null;
            }
            Instant time = record.time();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            if (pending[i] != null) {
                time = pendingSince[i];
                line.writeBytes(pending[i].toByteArray());
                pending[i] = null;
                pendingSince[i] = null;
            }
            line.writeBytes(record.content());
            line.write('\n');
            return new LogLine(time, record.stream(), line.toByteArray());
        }

        /** Unfinished lines, oldest first, without a trailing newline; clears them. */
        List<LogLine> flush() {
            List<LogLine> lines = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                if (pending[i] != null) {
                    lines.add(new LogLine(pendingSince[i], LogLine.Stream.values()[i], pending[i].toByteArray()));
                    pending[i] = null;
                    pendingSince[i] = null;
                }
            }
            lines.sort(java.util.Comparator.comparing(LogLine::time));
            return lines;
        }
    }
}
