package dev.berth.tiny.arena;

/**
 * A buffer the arena must hold from the operator that first writes it to the last operator that reads it
 * (both inclusive, as operator indices in execution order).
 */
public record BufferRequest(int id, int size, int firstUse, int lastUse) {
    public BufferRequest {
        if (size < 0 || firstUse < 0 || lastUse < firstUse) {
            throw new IllegalArgumentException("bad buffer request " + id + ": size " + size + ", lifetime "
                    + firstUse + ".." + lastUse);
        }
    }

    boolean overlapsInTime(BufferRequest other) {
        return firstUse <= other.lastUse && other.firstUse <= lastUse;
    }
}
