package dev.berth.kube.manifest;

import dev.berth.kube.KubeException;

/**
 * How to deploy a model, beyond what its image says.
 *
 * @param replicas a fixed number of replicas, or null (1 when there is no autoscaling)
 * @param autoscaling autoscaler bounds, or null for a fixed number of replicas
 * @param resources memory and CPUs that replace the image's defaults (either may be absent)
 * @param namespace the namespace written into the manifests, or null to leave it to the applier
 * @param name the name of the Deployment, Service and autoscaler, or null for the model's name
 * @param revisionHistoryLimit how many old ReplicaSets Kubernetes keeps for rollbacks
 */
public record ManifestOptions(Integer replicas, Autoscaling autoscaling, Resources resources, String namespace, String name,
                              int revisionHistoryLimit) {
    public static final int DEFAULT_REVISION_HISTORY = 10;

    public ManifestOptions {
        if (replicas != null && autoscaling != null) {
            throw new KubeException("give either --replicas or --min/--max (autoscaling), not both");
        }
        if (replicas != null && replicas < 0) {
            throw new KubeException("--replicas must be 0 or more, not " + replicas);
        }
        if (revisionHistoryLimit < 0) {
            throw new KubeException("the revision history limit must be 0 or more, not " + revisionHistoryLimit);
        }
        resources = resources == null ? Resources.NONE : resources;
        if (namespace != null) {
            KubeNames.namespace(namespace);
        }
        if (name != null) {
            KubeNames.objectName(name, "--name");
        }
    }

    /** One replica, the image's resources, the model's name. */
    public static ManifestOptions defaults() {
        return new ManifestOptions(null, null, Resources.NONE, null, null, DEFAULT_REVISION_HISTORY);
    }

    public ManifestOptions withReplicas(int n) {
        return new ManifestOptions(n, null, resources, namespace, name, revisionHistoryLimit);
    }

    public ManifestOptions withAutoscaling(Autoscaling a) {
        return new ManifestOptions(null, a, resources, namespace, name, revisionHistoryLimit);
    }

    public ManifestOptions withResources(Resources r) {
        return new ManifestOptions(replicas, autoscaling, r, namespace, name, revisionHistoryLimit);
    }

    public ManifestOptions withNamespace(String ns) {
        return new ManifestOptions(replicas, autoscaling, resources, ns, name, revisionHistoryLimit);
    }

    public ManifestOptions withName(String n) {
        return new ManifestOptions(replicas, autoscaling, resources, namespace, n, revisionHistoryLimit);
    }
}
