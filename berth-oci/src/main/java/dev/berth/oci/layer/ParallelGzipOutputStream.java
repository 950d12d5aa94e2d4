package dev.berth.oci.layer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip writer that deflates fixed-size blocks on several threads (the pigz scheme) and still emits one ordinary
 * gzip member. Each block is raw-deflated on its own, primed with the previous 32 KiB of input as the dictionary so
 * compression barely suffers, and ended with a sync flush so the blocks concatenate into one valid deflate stream; only
 * the last block is finished. A block's output depends only on its bytes, the preceding 32 KiB and the level, so the
 * result is byte-identical for any number of threads (but changes if {@link #BLOCK_SIZE} changes: that would change
 * every gzip layer digest Berth produces).
 *
 * <p>The header is fixed (no name, mtime 0, OS "unknown") so nothing about the host or the clock leaks in.
 */
final class ParallelGzipOutputStream extends OutputStream {
    static final int BLOCK_SIZE = 256 * 1024;
    private static final int DICTIONARY_SIZE = 32 * 1024;
    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** Shared daemon pool: layers are written one after another or a few at once; per-stream pools would churn. */
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, runnable -> {
        Thread thread = new Thread(runnable, "berth-gzip");
        thread.setDaemon(true);
        return thread;
    });

    private final OutputStream out;
    private final int level;
    private final int maxInFlight;
    private final CRC32 crc = new CRC32();
    private final ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
    private byte[] block = new byte[BLOCK_SIZE];
    private int filled;
    private byte[] dictionary;
    private long totalIn;
    private boolean closed;

    ParallelGzipOutputStream(OutputStream out, int level) throws IOException {
        this(out, level, THREADS);
    }

    /** {@code threads} only bounds how many blocks are queued at once; the output does not depend on it. */
    ParallelGzipOutputStream(OutputStream out, int level, int threads) throws IOException {
        this.out = out;
        this.level = level;
        this.maxInFlight = Math.max(2, 2 * threads);
        out.write(header(level));
    }

    private static byte[] header(int level) {
        // XFL 2 = best compression, 4 = fastest, as gzip(1) sets it; it is informational only.
        byte xfl = (byte) (level == 9 ? 2 : level == 1 ? 4 : 0);
        return new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, xfl, (byte) 255};
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        crc.update(b, off, len);
        totalIn += len;
        while (len > 0) {
            int n = Math.min(len, BLOCK_SIZE - filled);
            System.arraycopy(b, off, block, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == BLOCK_SIZE) {
                submit(false);
            }
        }
    }

    /** Hands the filled block to the pool; the next block's dictionary is this block's tail. */
    private void submit(boolean last) throws IOException {
        byte[] input = block;
        int length = filled;
        byte[] dict = dictionary;
        inFlight.add(POOL.submit(() -> deflate(input, length, dict, level, last)));
        if (length >= DICTIONARY_SIZE) {
            dictionary = Arrays.copyOfRange(input, length - DICTIONARY_SIZE, length);
        }
        block = last ? null : new byte[BLOCK_SIZE];
        filled = 0;
        while (inFlight.size() >= maxInFlight) {
            writeOldest();
        }
    }

    private static byte[] deflate(byte[] input, int length, byte[] dictionary, int level, boolean last) {
        Deflater deflater = new Deflater(level, true);
        try {
            if (dictionary != null) {
                deflater.setDictionary(dictionary);
            }
            deflater.setInput(input, 0, length);
            if (last) {
                deflater.finish();
            }
            byte[] output = new byte[length + (length >>> 3) + 64];
            int size = 0;
            int flush = last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH;
            while (true) {
                int n = deflater.deflate(output, size, output.length - size, flush);
                size += n;
                // A sync flush is complete once it leaves room in the buffer; finish once the deflater says so.
                boolean done = last ? deflater.finished() : size < output.length && deflater.needsInput();
                if (done) {
                    return Arrays.copyOf(output, size);
                }
                if (size == output.length) {
                    output = Arrays.copyOf(output, output.length * 2);
                }
            }
        } finally {
            deflater.end();
        }
    }

    private void writeOldest() throws IOException {
        Future<byte[]> oldest = inFlight.removeFirst();
        try {
            out.write(oldest.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        } catch (ExecutionException e) {
            throw new IOException("gzip compression failed: " + e.getCause(), e.getCause());
        }
    }

    /** Flushing would cut a block short and change the output, so it only pushes out blocks already compressed. */
    @Override
    public void flush() throws IOException {
        ensureOpen();
        while (!inFlight.isEmpty() && inFlight.peekFirst().isDone()) {
            writeOldest();
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            submit(true);
            while (!inFlight.isEmpty()) {
                writeOldest();
            }
            out.write(trailer());
            out.flush();
        } finally {
            inFlight.forEach(future -> future.cancel(false));
            out.close();
        }
    }

    private byte[] trailer() {
        long value = crc.getValue();
        long size = totalIn & 0xffffffffL;
        byte[] trailer = new byte[8];
        for (int i = 0; i < 4; i++) {
            trailer[i] = (byte) (value >>> (8 * i));
            trailer[4 + i] = (byte) (size >>> (8 * i));
        }
        return trailer;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
    }
}
