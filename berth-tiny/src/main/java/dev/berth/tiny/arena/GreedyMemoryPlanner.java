package dev.berth.tiny.arena;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Places buffers in one arena the way TensorFlow Lite Micro's greedy planner does: sizes are rounded up to the
 * alignment, buffers are placed largest first (ties in request order), each at the lowest offset where it
 * overlaps no already placed buffer that is alive at the same time. Two buffers whose lifetimes do not overlap
 * may share bytes.
 */
public final class GreedyMemoryPlanner {
    /** TFLM aligns every arena buffer to 16 bytes. */
    public static final int DEFAULT_ALIGNMENT = 16;

    private GreedyMemoryPlanner() {
    }

    public static ArenaPlan plan(List<BufferRequest> requests) {
        return plan(requests, DEFAULT_ALIGNMENT);
    }

    public static ArenaPlan plan(List<BufferRequest> requests, int alignment) {
        if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
        int n = requests.size();
        long[] sizes = new long[n];
        long naive = 0;
        for (int i = 0; i < n; i++) {
            sizes[i] = alignUp(requests.get(i).size(), alignment);
            naive += sizes[i];
        }
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong((Integer i) -> sizes[i]).reversed()); // List.sort is stable

        int[] offsets = new int[n];
        // Placed buffers, kept sorted by offset.
        List<Integer> placed = new ArrayList<>(n);
        long arena = 0;
        for (int current : order) {
            BufferRequest request = requests.get(current);
            long candidate = 0;
            for (int other : placed) {
                if (!request.overlapsInTime(requests.get(other))) {
                    continue;
                }
                if (candidate + sizes[current] <= offsets[other]) {
                    break; // fits in the gap before this buffer
                }
                candidate = Math.max(candidate, offsets[other] + sizes[other]);
            }
            if (candidate > Integer.MAX_VALUE - sizes[current]) {
                throw new IllegalArgumentException("the arena would exceed 2 GiB");
            }
            offsets[current] = (int) candidate;
            arena = Math.max(arena, candidate + sizes[current]);
            int at = 0;
            while (at < placed.size() && offsets[placed.get(at)] <= candidate) {
                at++;
            }
            placed.add(at, current);
        }
        return new ArenaPlan(List.copyOf(requests), offsets, (int) arena, (int) Math.min(Integer.MAX_VALUE, naive));
    }

    static long alignUp(long size, int alignment) {
        return (size + alignment - 1) & -(long) alignment;
    }
}
