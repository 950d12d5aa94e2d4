package dev.berth.runtime.logs;

import dev.berth.runtime.ContainerException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

/**
 * Writes output into a log in the format and with the size behaviour of conmon: one k8s-file record a line (a
 * trailing piece without "\n" becomes a P record), and when a record would take the file past {@code maxSize} the
 * file is replaced by a fresh one (written as PATH.tmp, renamed over PATH), so {@link LogRotator} and
 * {@link LogReader} work the same on it as on conmon's.
 */
public final class LogWriter implements Closeable {
    private final Path file;
    private final long maxSize;
    private FileChannel channel;

    /**
     * @param file    the log file; created (mode 0600, as conmon makes it) or appended to
     * @param maxSize bytes after which the file is replaced; 0 for no limit
     */
    public LogWriter(Path file, long maxSize) {
        if (maxSize < 0) {
            throw new ContainerException("log max-size must not be negative, got " + maxSize);
        }
        this.file = file;
        this.maxSize = maxSize;
        this.channel = open(file, StandardOpenOption.APPEND);
    }

    public void write(LogLine.Stream stream, String text) {
        write(stream, text.getBytes(StandardCharsets.UTF_8), Instant.now());
    }

    /** Logs {@code data} as written at {@code time}: one F record each "\n"-ended piece, a P record for the rest. */
    public synchronized void write(LogLine.Stream stream, byte[] data, Instant time) {
        if (channel == null) {
            throw new ContainerException("log " + file + " is closed");
        }
        int start = 0;
        while (start < data.length) {
            int newline = start;
            while (newline < data.length && data[newline] != '\n') {
                newline++;
            }
            boolean partial = newline == data.length;
            append(K8sFileFormat.encode(time, stream, partial, data, start, newline - start));
            start = newline + 1;
        }
    }

    private void append(byte[] record) {
        try {
            long size = channel.size();
            if (maxSize > 0 && size > 0 && size + record.length > maxSize) {
                replace();
            }
            ByteBuffer buffer = ByteBuffer.wrap(record);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new ContainerException("cannot write log " + file + ": " + e.getMessage(), e);
        }
    }

    private void replace() throws IOException {
        channel.close();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        FileChannel fresh = open(tmp, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        channel = fresh;
    }

    private static FileChannel open(Path path, StandardOpenOption mode) {
        try {
            try {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException exists) {
                // append to (or truncate) what is there
            }
            return FileChannel.open(path, StandardOpenOption.WRITE, mode);
        } catch (IOException e) {
            throw new ContainerException("cannot open log " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                throw new ContainerException("cannot close log " + file + ": " + e.getMessage(), e);
            } finally {
                channel = null;
            }
        }
    }
}
