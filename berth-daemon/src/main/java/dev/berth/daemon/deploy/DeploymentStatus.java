package dev.berth.daemon.deploy;

import java.util.List;

/**
 * What {@code GET /deployments} and {@code GET /deployments/NAME} answer: the deployment, its current revision, its
 * replicas now, and (for one deployment) its history, newest first.
 *
 * @param state   "ready" (every wanted replica serves), "degraded" (fewer), "updating" (a rollout runs) or "down"
 * @param message the last error the deployment met while keeping its replicas running, if any
 */
public record DeploymentStatus(String name, String image, String version, int revision, int ready, int desired,
                               String address, int port, String created, String updated, String state, String message,
                               List<ReplicaStatus> replicas, List<Deployment.Revision> history) {

    /** One replica container: in the pool (ready) or not yet / no longer. */
    public record ReplicaStatus(String id, String name, int revision, String address, boolean ready, int inFlight) {
    }
}
