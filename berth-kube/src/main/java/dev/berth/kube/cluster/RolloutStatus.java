package dev.berth.kube.cluster;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;

/**
 * Where a Deployment's rollout stands, judged from its status the way {@code kubectl rollout status} judges it: done
 * once the controller has seen the latest spec and every desired replica runs the new template, is available, and no
 * old replica is left.
 *
 * @param done every replica runs the new template and is available
 * @param failed the controller gave up ({@code ProgressDeadlineExceeded})
 * @param message what is happening, for the user
 */
public record RolloutStatus(boolean done, boolean failed, String message) {
    /** @param generation the Deployment generation the rollout is for (the one the apply produced) */
    public static RolloutStatus of(Deployment deployment, long generation) {
        DeploymentStatus status = deployment.getStatus();
        long observed = status == null || status.getObservedGeneration() == null ? 0 : status.getObservedGeneration();
        if (observed < generation) {
            return new RolloutStatus(false, false, "waiting for the Deployment controller to see the new spec");
        }
        for (DeploymentCondition c : status.getConditions() == null ? java.util.List.<DeploymentCondition>of() : status.getConditions()) {
            if ("Progressing".equals(c.getType()) && "ProgressDeadlineExceeded".equals(c.getReason())) {
                return new RolloutStatus(false, true, "the rollout made no progress within the deadline: " + c.getMessage());
            }
        }
        int desired = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
        int updated = count(status.getUpdatedReplicas());
        int total = count(status.getReplicas());
        int available = count(status.getAvailableReplicas());
        if (updated < desired) {
            return new RolloutStatus(false, false, updated + " of " + desired + " replicas run the new version");
        }
        if (total > updated) {
            return new RolloutStatus(false, false, (total - updated) + " old replica" + (total - updated == 1 ? "" : "s")
                    + " still terminating");
        }
        if (available < updated) {
            return new RolloutStatus(false, false, available + " of " + updated + " updated replicas are available");
        }
        return new RolloutStatus(true, false, updated + " of " + desired + " replicas run the new version and are available");
    }

    private static int count(Integer n) {
        return n == null ? 0 : n;
    }
}
