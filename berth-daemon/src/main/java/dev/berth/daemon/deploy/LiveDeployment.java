package dev.berth.daemon.deploy;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.EngineException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One deployment at run time: its stored record, its proxy and pool, the replica containers it runs, and the one
 * operation everything else is made of, {@link #converge}: bring the replicas to the wanted number of the wanted
 * revision, one replica at a time, never taking one out of the pool before its replacement is ready (a surge of one,
 * none unavailable). Rollouts, rollbacks, scaling, the recovery of a failed rollout and the replacement of dead
 * replicas all converge; {@link #lock} keeps them from running at once.
 */
final class LiveDeployment {
    private static final System.Logger LOG = System.getLogger(LiveDeployment.class.getName());
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    final String name;
    final ReentrantLock lock = new ReentrantLock();
    final ReplicaPool pool = new ReplicaPool();
    /** The replicas this deployment runs and has seen ready (in the pool unless being drained). */
    final List<Replica> replicas = new CopyOnWriteArrayList<>();
    private final ReplicaLauncher launcher;
    private final ReadinessProbe probe;
    volatile Deployment record;
    volatile DeploymentProxy proxy;
    volatile String message;
    volatile boolean updating;
    volatile boolean closed;
    private final Object wake = new Object();
    private Thread reconciler;

    LiveDeployment(Deployment record, ReplicaLauncher launcher, ReadinessProbe probe) {
        this.name = record.name();
        this.record = record;
        this.launcher = launcher;
        this.probe = probe;
    }

    // ---- converging

    /**
     * Brings the replicas to {@code record.replicas()} of {@code revision}: while there are too few of it, start one,
     * wait until it is ready, add it to the pool, then drain and remove one replica of another revision; then remove
     * what is left over. Throws when a new replica does not become ready (that replica removed, the others untouched).
     * The caller holds {@link #lock}.
     */
    void converge(Deployment.Revision revision, Progress progress) throws InterruptedException {
        while (true) {
            checkOpen();
            dropDead(progress);
            int wanted = record.replicas();
            List<Replica> current = replicas.stream().filter(r -> r.revision == revision.number()).toList();
            List<Replica> others = replicas.stream().filter(r -> r.revision != revision.number())
                    .sorted(Comparator.comparingInt((Replica r) -> r.revision)).toList();
            if (current.size() < wanted) {
                progress.step("starting replica " + (current.size() + 1) + " of " + wanted + " (revision " + revision.number()
                        + ", " + revision.image() + ")");
                Replica started = startReady(revision, progress);
                pool.add(started);
                replicas.add(started);
                watchExit(started);
                if (!others.isEmpty()) {
                    retire(others.getFirst(), progress);
                }
            } else if (!others.isEmpty()) {
                retire(others.getFirst(), progress);
            } else if (current.size() > wanted) {
                retire(current.getLast(), progress);
            } else {
                return;
            }
        }
    }

    /** Starts a replica and waits for its readiness check; on failure it is removed and the error says why. */
    private Replica startReady(Deployment.Revision revision, Progress progress) throws InterruptedException {
        Replica r = launcher.start(name, revision);
        Duration timeout = Duration.ofSeconds(record.readinessTimeoutSeconds());
        ReadinessProbe.Outcome outcome;
        try {
            outcome = probe.await(r.ip, r.port, record.readinessPath(), timeout, () -> !closed && launcher.running(r.containerId));
        } catch (InterruptedException | RuntimeException e) {
            launcher.removeQuietly(r.containerId);
            throw e;
        }
        switch (outcome) {
            case ReadinessProbe.Outcome.Ready ready -> {
                progress.step("replica " + r.containerName + " is ready at " + r.ip + ":" + r.port + " after "
                        + ready.after().toMillis() + " ms; it takes traffic now");
                return r;
            }
            case ReadinessProbe.Outcome.Exited exited -> {
                checkOpen();
                int code = launcher.exitCode(r.containerId);
                String logs = launcher.lastLogLines(r.containerId, 5);
                launcher.removeQuietly(r.containerId);
                throw new EngineException(Kind.FAILED, "replica " + r.containerName + " of revision " + revision.number() + " ("
                        + revision.image() + ") exited with code " + code + " before it became ready"
                        + (logs.isEmpty() ? "" : "; its last output:\n" + logs));
            }
            case ReadinessProbe.Outcome.TimedOut timedOut -> {
                String logs = launcher.lastLogLines(r.containerId, 5);
                launcher.stopAndRemove(r.containerId);
                throw new EngineException(Kind.FAILED, "replica " + r.containerName + " of revision " + revision.number() + " ("
                        + revision.image() + ") did not become ready within " + timeout.toSeconds() + " s: "
                        + timedOut.lastSeen() + (logs.isEmpty() ? "" : "; its last output:\n" + logs));
            }
        }
    }

    /** Takes a replica out of the pool, waits for its requests to end, then stops and removes its container. */
    void retire(Replica r, Progress progress) throws InterruptedException {
        replicas.remove(r);
        int inFlight = r.inFlight.get();
        progress.step("draining replica " + r.containerName + " (revision " + r.revision + ")"
                + (inFlight > 0 ? ", " + inFlight + " requests in flight" : ""));
        if (!pool.drain(r, DRAIN_TIMEOUT)) {
            progress.step("replica " + r.containerName + " still had requests after " + DRAIN_TIMEOUT.toSeconds()
                    + " s; stopping it anyway");
        }
        DeploymentProxy p = proxy;
        if (p != null) {
            p.forget(r);
        }
        launcher.stopAndRemove(r.containerId);
        progress.step("removed replica " + r.containerName);
    }

    /** Replicas whose container stopped: out of the pool and removed (their requests are lost; nothing can save them). */
    private void dropDead(Progress progress) {
        for (Replica r : replicas) {
            if (!launcher.running(r.containerId)) {
                replicaDied(r, progress);
            }
        }
    }

    private void replicaDied(Replica r, Progress progress) {
        if (!replicas.remove(r)) {
            return; // retired on purpose, or already handled
        }
        pool.remove(r);
        DeploymentProxy p = proxy;
        if (p != null) {
            p.forget(r);
        }
        int code = launcher.exitCode(r.containerId);
        String text = "replica " + r.containerName + " (revision " + r.revision + ") stopped with code " + code + "; replacing it";
        LOG.log(System.Logger.Level.WARNING, "deployment " + name + ": " + text);
        progress.step(text);
        launcher.removeQuietly(r.containerId);
        wake();
    }

    /** Takes a replica out of the pool the moment its container ends, not at the next reconciliation. */
    void watchExit(Replica r) {
        try {
            launcher.nextExit(r.containerId).whenComplete((code, error) -> {
                if (!closed && replicas.contains(r)) {
                    Thread.ofVirtual().name("replica-exit-" + r.shortId()).start(() -> replicaDied(r, Progress.NONE));
                }
            });
        } catch (EngineException e) {
            wake(); // already gone: the reconciler sees it
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new EngineException(Kind.FAILED, "the Berth daemon is shutting down; deployment " + name
                    + " continues when it starts again");
        }
    }

    // ---- reconciliation

    /** Keeps the deployment converged to its current revision, every second and whenever a replica dies. */
    void startReconciler() {
        reconciler = Thread.ofVirtual().name("deployment-" + name).start(this::reconcileLoop);
    }

    void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void reconcileLoop() {
        long backoffMillis = 1_000;
        while (!closed) {
            try {
                synchronized (wake) {
                    wake.wait(backoffMillis);
                }
                if (closed) {
                    return;
                }
                if (!lock.tryLock(0, TimeUnit.SECONDS)) {
                    continue; // a rollout runs and converges itself
                }
                try {
                    ensureProxy();
                    converge(record.currentRevision(), step -> LOG.log(System.Logger.Level.INFO, "deployment " + name + ": " + step));
                    message = null;
                    backoffMillis = 1_000;
                } finally {
                    lock.unlock();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                message = e.getMessage();
                LOG.log(System.Logger.Level.WARNING, "deployment " + name + ": " + e.getMessage());
                backoffMillis = Math.min(backoffMillis * 2, 30_000);
            }
        }
    }

    /** After a daemon restart the port may have been taken meanwhile: try again until it is free. */
    void ensureProxy() {
        if (proxy == null) {
            Deployment d = record;
            proxy = DeploymentProxy.start(name, d.address(), d.port(), pool);
        }
    }

    /** Stops reconciling and listening; the replica containers keep running (for the next daemon, or for removal). */
    void close() {
        closed = true;
        Thread t = reconciler;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        DeploymentProxy p = proxy;
        proxy = null;
        if (p != null) {
            p.close();
        }
    }

    // ---- views

    DeploymentStatus status(boolean withHistory) {
        Deployment d = record;
        Deployment.Revision current = d.currentRevision();
        List<DeploymentStatus.ReplicaStatus> rows = new ArrayList<>();
        for (Replica r : replicas) {
            rows.add(new DeploymentStatus.ReplicaStatus(r.containerId, r.containerName, r.revision, r.ip + ":" + r.port,
                    r.inPool, r.inFlight.get()));
        }
        int ready = (int) replicas.stream().filter(r -> r.inPool && r.revision == current.number()).count();
        int readyAny = pool.size();
        String state = updating ? "updating" : proxy == null ? "down" : ready >= d.replicas() ? "ready"
                : readyAny > 0 ? "degraded" : "down";
        List<Deployment.Revision> history = withHistory
                ? d.revisions().stream().sorted(Comparator.comparingInt(Deployment.Revision::number).reversed()).toList() : List.of();
        return new DeploymentStatus(d.name(), current.image(), current.version(), current.number(), ready, d.replicas(),
                d.address(), d.port(), d.created(), d.updated(), state, message, rows, history);
    }
}
