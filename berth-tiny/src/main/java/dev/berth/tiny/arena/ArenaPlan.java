package dev.berth.tiny.arena;

import java.util.List;

/**
 * Where each requested buffer lives in one arena, and how large the arena is.
 *
 * @param requests   the requests, in the order given
 * @param offsets    the byte offset of each request, same order
 * @param arenaBytes the arena size: the highest end of any buffer
 * @param naiveBytes what the buffers would take side by side, without reuse
 */
public record ArenaPlan(List<BufferRequest> requests, int[] offsets, int arenaBytes, int naiveBytes) {

    /** The offset of the request with this id. */
    public int offsetOf(int id) {
        for (int i = 0; i < requests.size(); i++) {
            if (requests.get(i).id() == id) {
                return offsets[i];
            }
        }
        throw new IllegalArgumentException("no buffer " + id + " in the plan");
    }
}
