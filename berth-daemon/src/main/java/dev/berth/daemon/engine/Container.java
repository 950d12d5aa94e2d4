package dev.berth.daemon.engine;

import dev.berth.daemon.api.ContainerState;
import dev.berth.oci.json.Json;
import dev.berth.oci.store.AtomicFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One container in the engine's memory: its fixed record, its current state (persisted on every change), the lock
 * that orders its transitions, and whoever waits for its next exit.
 */
final class Container {
    final ContainerRecord record;
    final ContainerFiles files;
    final ReentrantLock lock = new ReentrantLock();
    private volatile StoredState state;
    private final List<CompletableFuture<Integer>> exitWaiters = new ArrayList<>();
    /** Set while a restart is scheduled, so that stop or rm can cancel it. */
    volatile Thread restartTimer;
    volatile Thread healthChecker;
    /** Clients attached to the output (berth run): auto-remove waits until they have read everything. */
    final java.util.concurrent.atomic.AtomicInteger attached = new java.util.concurrent.atomic.AtomicInteger();
    /** Starts since the last manual start, for the restart back-off. */
    volatile long lastStartNanos;

    Container(ContainerRecord record, ContainerFiles files, StoredState state) {
        this.record = record;
        this.files = files;
        this.state = state;
    }

    String id() {
        return record.id();
    }

    StoredState state() {
        return state;
    }

    ContainerState status() {
        return state.state();
    }

    boolean running() {
        ContainerState s = state.state();
        return s.running();
    }

    /**
     * Replaces and persists the state; callers hold {@link #lock}. Atomic but not fsynced: a start rewrites it several
     * times, and after a power loss every container has stopped anyway and is settled from conmon's files.
     */
    void update(StoredState next) {
        AtomicFiles.replace(files.state(), Json.canonicalBytes(next));
        state = next;
    }

    /** A future completed with the exit code of the container's next exit. */
    CompletableFuture<Integer> nextExit() {
        synchronized (exitWaiters) {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            exitWaiters.add(f);
            return f;
        }
    }

    void exited(int code) {
        List<CompletableFuture<Integer>> waiting;
        synchronized (exitWaiters) {
            waiting = new ArrayList<>(exitWaiters);
            exitWaiters.clear();
        }
        waiting.forEach(f -> f.complete(code));
        // followers of the log (attach, logs -f) watch this directory: a change wakes them to see the exit now
        AtomicFiles.replace(files.dir().resolve("last-exit"), Integer.toString(code).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Completed once the container is removed: what `wait --condition removed` (a `run --rm`) waits for. */
    final CompletableFuture<Integer> removal = new CompletableFuture<>();

    void removed() {
        removal.complete(state.state().exitCode());
        List<CompletableFuture<Integer>> waiting;
        synchronized (exitWaiters) {
            waiting = new ArrayList<>(exitWaiters);
            exitWaiters.clear();
        }
        waiting.forEach(f -> f.complete(state.state().exitCode()));
    }
}
