package dev.berth.kube.cluster;

/**
 * One release of a model that Berth applied to a cluster, as its history keeps it.
 *
 * @param revision Berth's number for it, counting up from 1 per Deployment
 * @param model the model's name
 * @param version the model's version
 * @param image the image reference the pods ran
 * @param appliedAt when it was applied (ISO-8601, UTC)
 * @param cause {@code deploy}, or {@code rollback to revision N}
 * @param manifests the Deployment, Service and autoscaler applied, as one YAML stream: a rollback re-applies them
 */
public record Release(int revision, String model, String version, String image, String appliedAt, String cause,
                      String manifests) {
}
