package dev.berth.kube.cluster;

import dev.berth.kube.manifest.KubeNames;
import java.nio.file.Path;

/**
 * Which cluster and namespace to talk to.
 *
 * @param kubeconfig a kubeconfig file, or null for kubectl's rules ({@code $KUBECONFIG}, else {@code ~/.kube/config})
 * @param context a context of that kubeconfig, or null for its current context
 * @param namespace a namespace, or null for the context's namespace (else {@code default})
 */
public record ClusterTarget(Path kubeconfig, String context, String namespace) {
    public ClusterTarget {
        if (namespace != null) {
            KubeNames.namespace(namespace);
        }
    }

    /** The current context of the usual kubeconfig, in its namespace. */
    public static ClusterTarget current() {
        return new ClusterTarget(null, null, null);
    }
}
