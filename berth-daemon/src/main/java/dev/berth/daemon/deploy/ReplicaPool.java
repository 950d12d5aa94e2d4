package dev.berth.daemon.deploy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The replicas a deployment's proxy sends requests to, in turn (round robin). A request first raises its replica's
 * in-flight count and only then checks that the replica is still in the pool; draining first takes the replica out
 * and only then waits for the count to reach zero. Both sides use volatile fields and atomics, so either the request
 * sees the replica gone (and picks another) or the drain sees the request (and waits for it): none slips through.
 */
final class ReplicaPool {
    private final List<Replica> members = new CopyOnWriteArrayList<>();
    private final AtomicLong next = new AtomicLong();

    void add(Replica replica) {
        replica.inPool = true;
        if (!members.contains(replica)) {
            members.add(replica);
        }
    }

    /** Takes a replica out of the pool without waiting (it died: nothing it was serving can be saved). */
    void remove(Replica replica) {
        replica.inPool = false;
        members.remove(replica);
    }

    /** The replica for the next request, its in-flight count raised; null when no replica is in the pool. */
    Replica acquire() {
        for (int attempt = 0; attempt < 16; attempt++) {
            List<Replica> now = List.copyOf(members);
            if (now.isEmpty()) {
                return null;
            }
            Replica r = now.get((int) Math.floorMod(next.getAndIncrement(), (long) now.size()));
            r.inFlight.incrementAndGet();
            if (r.inPool) {
                return r;
            }
            r.inFlight.decrementAndGet(); // drained meanwhile: pick again
        }
        return null;
    }

    static void release(Replica replica) {
        replica.inFlight.decrementAndGet();
    }

    /**
     * Takes a replica out of the pool and waits until the requests it was serving have ended. Returns false when they
     * had not ended within {@code timeout} (the caller stops the replica anyway).
     */
    boolean drain(Replica replica, Duration timeout) throws InterruptedException {
        remove(replica);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (replica.inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    List<Replica> members() {
        return List.copyOf(members);
    }

    int size() {
        return members.size();
    }
}
