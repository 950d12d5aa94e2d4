package dev.berth.kube.manifest;

/**
 * The label and annotation keys Berth writes on Kubernetes objects. The model's own keys ({@code dev.berth.model.*}
 * from {@link dev.berth.model.ModelLabels}) are valid label keys as they are, so images and cluster objects share one
 * vocabulary.
 */
public final class KubeLabels {
    /** The selector label: the one label every version of a model's pods has, so the Service spans a rolling update. */
    public static final String APP = "app";
    public static final String NAME = "app.kubernetes.io/name";
    public static final String VERSION = "app.kubernetes.io/version";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    /** The value of {@link #MANAGED_BY} on everything Berth made; Berth refuses to change objects without it. */
    public static final String BERTH = "berth";

    /** Annotation: the image reference the pods run. */
    public static final String IMAGE = "dev.berth.image";
    /** Annotation: the digest of that image in Berth's store. */
    public static final String IMAGE_DIGEST = "dev.berth.image.digest";
    /** Annotation on the Deployment: Berth's release number (see the history ConfigMap). */
    public static final String RELEASE = "dev.berth.kube.release";
    /** Label on a history ConfigMap: the Deployment whose releases it holds. */
    public static final String HISTORY_OF = "dev.berth.kube.history-of";
    /** Kubernetes' annotation that {@code kubectl rollout history} shows as CHANGE-CAUSE. */
    public static final String CHANGE_CAUSE = "kubernetes.io/change-cause";
    /** The Deployment controller's revision number, on Deployments and their ReplicaSets. */
    public static final String K8S_REVISION = "deployment.kubernetes.io/revision";
    /** The label the Deployment controller adds to each ReplicaSet's pod template. */
    public static final String POD_TEMPLATE_HASH = "pod-template-hash";

    /** The model server's container in the pod. */
    public static final String CONTAINER = "model";
    /** The name of the container port and of the Service port. */
    public static final String PORT_NAME = "http";

    private KubeLabels() {
    }
}
