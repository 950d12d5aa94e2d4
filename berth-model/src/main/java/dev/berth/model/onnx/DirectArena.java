package dev.berth.model.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Native-order direct memory reused from one inference to the next on the same thread. ONNX Runtime reads a tensor
 * straight from a direct buffer in native order, and copies any other buffer into a fresh direct one first: this
 * arena saves that allocation (and the garbage collector's work to free native memory) on every request.
 * A tensor made from the arena must be closed before the thread's next {@link #reset()}.
 */
final class DirectArena {
    /** Large tensors get memory of their own, so no thread keeps a large arena after one large request. */
    private static final int CAPACITY = 256 * 1024;
    private static final ThreadLocal<DirectArena> PER_THREAD = ThreadLocal.withInitial(DirectArena::new);

    private final ByteBuffer memory = ByteBuffer.allocateDirect(CAPACITY).order(ByteOrder.nativeOrder());
    private int used;

    static DirectArena forThisThread() {
        DirectArena arena = PER_THREAD.get();
        arena.used = 0;
        return arena;
    }

    /** {@code bytes} of native-order direct memory, valid until the next reset on this thread. */
    ByteBuffer take(int bytes) {
        int start = (used + 7) & ~7;
        if (bytes > CAPACITY - start) {
            return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        used = start + bytes;
        return memory.slice(start, bytes).order(ByteOrder.nativeOrder());
    }
}
