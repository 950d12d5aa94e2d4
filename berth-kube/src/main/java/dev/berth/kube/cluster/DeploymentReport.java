package dev.berth.kube.cluster;

import java.util.List;

/**
 * What {@code berth kube status} shows: the Deployment's state and the revisions a rollback can go to.
 *
 * @param name the Deployment
 * @param namespace its namespace
 * @param model the model's name, from the Deployment's labels
 * @param version the model version of the current pod template
 * @param image the image of the current pod template
 * @param desired the desired replicas
 * @param updated replicas running the current template
 * @param ready ready replicas
 * @param available available replicas
 * @param rollout the rollout's state
 * @param autoscaler "min–max" of the autoscaler, or null without one
 * @param historySource where the revisions come from (Berth's history ConfigMap, or ReplicaSets)
 * @param revisions the revisions, oldest first
 */
public record DeploymentReport(String name, String namespace, String model, String version, String image, int desired,
                               int updated, int ready, int available, RolloutStatus rollout, String autoscaler,
                               String historySource, List<Revision> revisions) {
    /**
     * One revision.
     *
     * @param number its number
     * @param version the model version it ran
     * @param image the image it ran
     * @param appliedAt when Berth applied it, or null when unknown
     * @param cause why it was made
     * @param current whether it is the one running
     */
    public record Revision(int number, String version, String image, String appliedAt, String cause, boolean current) {
    }
}
