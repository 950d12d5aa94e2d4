package dev.berth.runtime.logs;

import dev.berth.runtime.ContainerException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads a container's log, written by conmon in the CRI "k8s-file" format: one record per line,
 * {@code TIMESTAMP STREAM TAG CONTENT}, the timestamp RFC 3339 with nanoseconds, the stream stdout or stderr, the tag
 * F for a full line or P for a partial one that the next record of the stream continues. Rotated files
 * ({@code ctr.log.1} older than the live one, {@code .2} older still) are read oldest first.
 */
public final class LogReader {
    private static final long POLL_MILLIS = 25;

    private final Path logFile;
    private final int maxFiles;

    public LogReader(Path logFile, int maxFiles) {
        this.logFile = logFile;
        this.maxFiles = Math.max(1, maxFiles);
    }

    /** The lines the query asks for, oldest first. */
    public List<LogLine> read(LogQuery query) {
        Deque<LogLine> kept = new ArrayDeque<>();
        Assembler assembler = new Assembler(line -> {
            if (query.inRange(line.time())) {
                kept.addLast(line);
                if (query.tail() >= 0 && kept.size() > query.tail()) {
                    kept.removeFirst();
                }
            }
        });
        for (Path file : files()) {
            try (InputStream in = Files.newInputStream(file)) {
                assembler.feed(in, Long.MAX_VALUE);
            } catch (NoSuchFileException e) {
                // rotated away meanwhile
            } catch (IOException e) {
                throw new ContainerException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        assembler.flush();
        return new ArrayList<>(kept);
    }

    /**
     * Sends the query's lines, then new lines as they are written, until {@code stillRunning} turns false and the
     * file has been read to its end. Follows the live file across conmon replacing it (a new inode).
     */
    public void follow(LogQuery query, Consumer<LogLine> sink, BooleanSupplier stillRunning) {
        for (LogLine line : read(new LogQuery(query.tail(), query.since(), query.until()))) {
            sink.accept(line);
        }
        Object inode = null;
        long offset;
        try {
            BasicFileAttributes a = Files.readAttributes(logFile, BasicFileAttributes.class);
            inode = a.fileKey();
            offset = a.size();
        } catch (IOException e) {
            offset = 0;
        }
        Assembler assembler = new Assembler(line -> {
            if (query.inRange(line.time())) {
                sink.accept(line);
            }
        });
        while (true) {
            boolean running = stillRunning.getAsBoolean();
            try {
                BasicFileAttributes a = Files.readAttributes(logFile, BasicFileAttributes.class);
                if (inode != null && !inode.equals(a.fileKey())) {
                    offset = 0; // conmon started a fresh file
                }
                inode = a.fileKey();
                if (a.size() > offset) {
                    try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.READ)) {
                        ch.position(offset);
                        long available = a.size() - offset;
                        offset += assembler.feed(Channels.newInputStream(ch), available);
                    }
                    continue;
                }
            } catch (NoSuchFileException e) {
                // not written yet, or being replaced
            } catch (IOException e) {
                throw new ContainerException("cannot follow " + logFile + ": " + e.getMessage(), e);
            }
            if (!running) {
                assembler.flush();
                return;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private List<Path> files() {
        List<Path> files = new ArrayList<>();
        for (int i = maxFiles - 1; i >= 1; i--) {
            Path rotated = logFile.resolveSibling(logFile.getFileName() + "." + i);
            if (Files.exists(rotated)) {
                files.add(rotated);
            }
        }
        if (Files.exists(logFile)) {
            files.add(logFile);
        }
        return files;
    }

    /** Parses one record line (without its newline); null when it is not a k8s-file record. */
    static Record parse(byte[] line, int length) {
        int s1 = indexOf(line, length, (byte) ' ', 0);
        int s2 = s1 < 0 ? -1 : indexOf(line, length, (byte) ' ', s1 + 1);
        int s3 = s2 < 0 ? -1 : indexOf(line, length, (byte) ' ', s2 + 1);
        if (s3 < 0 && s2 >= 0 && length == s2 + 2) {
            s3 = length; // an empty full line: "TIME stdout F"
        }
        if (s3 < 0) {
            return null;
        }
        Instant time;
        try {
            time = OffsetDateTime.parse(new String(line, 0, s1, StandardCharsets.US_ASCII)).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
        String stream = new String(line, s1 + 1, s2 - s1 - 1, StandardCharsets.US_ASCII);
        boolean partial = line[s2 + 1] == 'P';
        byte[] content = s3 >= length ? new byte[0] : java.util.Arrays.copyOfRange(line, s3 + 1, length);
        return new Record(time, stream.equals("stderr") ? LogLine.Stream.STDERR : LogLine.Stream.STDOUT, partial, content);
    }

    private static int indexOf(byte[] b, int length, byte c, int from) {
        for (int i = from; i < length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    record Record(Instant time, LogLine.Stream stream, boolean partial, byte[] content) {
    }

    /** Splits bytes into record lines and joins partial records into whole lines, per stream. */
    private static final class Assembler {
        private final Consumer<LogLine> sink;
        private final ByteArrayOutputStream pendingLine = new ByteArrayOutputStream();
        private final ByteArrayOutputStream[] partial = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        private final Instant[] partialTime = new Instant[2];

        Assembler(Consumer<LogLine> sink) {
            this.sink = sink;
        }

        /** Feeds at most {@code limit} bytes; returns how many were consumed (whole lines only stay pending). */
        long feed(InputStream in, long limit) throws IOException {
            byte[] buffer = new byte[64 * 1024];
            long consumed = 0;
            while (consumed < limit) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - consumed));
                if (n <= 0) {
                    break;
                }
                consumed += n;
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        pendingLine.write(buffer, start, i - start);
                        byte[] line = pendingLine.toByteArray();
                        pendingLine.reset();
                        record(line);
                        start = i + 1;
                    }
                }
                pendingLine.write(buffer, start, n - start);
            }
            return consumed;
        }

        private void record(byte[] line) {
            Record r = parse(line, line.length);
            if (r == null) {
                return;
            }
            int s = r.stream().ordinal();
            if (partialTime[s] == null) {
                partialTime[s] = r.time();
            }
            partial[s].writeBytes(r.content());
            if (!r.partial()) {
                partial[s].write('\n');
                sink.accept(new LogLine(partialTime[s], r.stream(), partial[s].toByteArray()));
                partial[s].reset();
                partialTime[s] = null;
            }
        }

        /** At the end: a partial line with no continuation is still output (without a newline). */
        void flush() {
            for (int s = 0; s < 2; s++) {
                if (partialTime[s] != null) {
                    sink.accept(new LogLine(partialTime[s], LogLine.Stream.values()[s], partial[s].toByteArray()));
                    partial[s].reset();
                    partialTime[s] = null;
                }
            }
        }
    }
}
