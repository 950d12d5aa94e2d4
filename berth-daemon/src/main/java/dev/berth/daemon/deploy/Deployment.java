package dev.berth.daemon.deploy;

import java.util.ArrayList;
import java.util.List;

/**
 * A deployment as stored in {@code ROOT/deployments/NAME.json}: where it listens, how many replicas it wants, and every
 * revision it has run, the current one included. Replica containers are not stored here: their labels say which
 * deployment and revision they belong to, and the daemon finds them again by those labels.
 *
 * @param current the number of the revision that serves (or is being rolled out)
 */
public record Deployment(String name, String address, int port, int replicas, String readinessPath,
                         int readinessTimeoutSeconds, String created, String updated, int current, List<Revision> revisions) {

    /** A revision's state in the history. */
    public static final String ROLLING_OUT = "rolling-out";
    public static final String SERVING = "serving";
    public static final String REPLACED = "replaced";
    public static final String FAILED = "failed";

    public Deployment {
        revisions = revisions == null ? List.of() : List.copyOf(revisions);
    }

    /**
     * One version of what a deployment runs: the image (by the reference given and by its ID), the limits and port, when
     * it started, and what became of it.
     *
     * @param rollbackOf the revision this one rolled back to, when it came from {@code berth rollback}
     * @param replaced   when another revision took over (or the rollout failed)
     * @param replacedBy the revision that took over
     * @param message    why it failed
     */
    public record Revision(int number, String image, String imageId, String version, int containerPort, long memory,
                           long nanoCpus, String created, String status, Integer rollbackOf, String replaced,
                           Integer replacedBy, String message) {
        Revision withStatus(String newStatus, String when, Integer by, String why) {
            return new Revision(number, image, imageId, version, containerPort, memory, nanoCpus, created, newStatus,
                    rollbackOf, when, by, why);
        }
    }

    /** The revision with this number; every stored deployment has its current one. */
    public Revision revision(int number) {
        return revisions.stream().filter(r -> r.number() == number).findFirst()
                .orElseThrow(() -> new IllegalStateException("deployment " + name + " has no revision " + number));
    }

    public Revision currentRevision() {
        return revision(current);
    }

    int nextRevisionNumber() {
        return revisions.stream().mapToInt(Revision::number).max().orElse(0) + 1;
    }

    Deployment withRevision(Revision revision, int newCurrent, String when) {
        List<Revision> next = new ArrayList<>();
        boolean replaced = false;
        for (Revision r : revisions) {
            if (r.number() == revision.number()) {
                next.add(revision);
                replaced = true;
            } else {
                next.add(r);
            }
        }
        if (!replaced) {
            next.add(revision);
        }
        return new Deployment(name, address, port, replicas, readinessPath, readinessTimeoutSeconds, created, when, newCurrent, next);
    }

    Deployment withReplicas(int newReplicas, String when) {
        return new Deployment(name, address, port, newReplicas, readinessPath, readinessTimeoutSeconds, created, when, current, revisions);
    }

    Deployment withReadiness(String path, int timeoutSeconds) {
        return new Deployment(name, address, port, replicas, path, timeoutSeconds, created, updated, current, revisions);
    }
}
