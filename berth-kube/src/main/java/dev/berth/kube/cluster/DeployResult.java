package dev.berth.kube.cluster;

/**
 * What a deploy or rollback did.
 *
 * @param name the Deployment
 * @param namespace its namespace
 * @param revision the revision that now runs: Berth's release number, or (for a rollback through ReplicaSets) the
 *                 Deployment controller's
 * @param version the model version that now runs
 * @param image the image the pods run
 * @param rollout the final state of the rollout (null when nothing changed)
 * @param message one line for the user
 */
public record DeployResult(String name, String namespace, int revision, String version, String image, RolloutStatus rollout,
                           String message) {
}
