package dev.berth.model.oip;

import java.io.OutputStream;
import java.util.Arrays;

/** A growable byte buffer that a JSON generator writes into, reused by one thread from response to response. */
public final class JsonBuffer extends OutputStream {
    private static final int RETAINED_LIMIT = 1 << 20;
    private static final ThreadLocal<JsonBuffer> PER_THREAD = ThreadLocal.withInitial(JsonBuffer::new);

    private byte[] bytes = new byte[4096];
    private int length;

    /** This thread's buffer, emptied. */
    public static JsonBuffer forThisThread() {
        JsonBuffer b = PER_THREAD.get();
        if (b.bytes.length > RETAINED_LIMIT) {
            // one huge response should not pin its buffer to the thread for ever
            b.bytes = new byte[4096];
        }
        b.length = 0;
        return b;
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, length, len);
        length += len;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    /** A copy of what was written, exactly as long. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    public int length() {
        return length;
    }
}
