package dev.berth.kube.manifest;

import dev.berth.kube.KubeException;
import dev.berth.model.ModelLabels;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a model's Kubernetes objects from its image and the deployment options, with fabric8's typed builders (so
 * every field is one the Kubernetes API has).
 */
public final class Manifests {
    /** The Open Inference Protocol's health endpoints, which Berth's model server answers on its port. */
    public static final String LIVE_PATH = "/v2/health/live";
    public static final String READY_PATH = "/v2/health/ready";
    /** The Service's port: plain HTTP inside the cluster, whatever port the server uses in its container. */
    public static final int SERVICE_PORT = 80;
    /** The model server drains in-flight requests on SIGTERM; this is how long Kubernetes lets it. */
    public static final long TERMINATION_GRACE_SECONDS = 30;

    private Manifests() {
    }

    public static ManifestSet build(ModelImage image, ManifestOptions options) {
        String name = options.name() != null ? options.name() : KubeNames.objectName(image.modelName(), "model name");
        Resources resources = image.defaults().overriddenBy(options.resources());
        if (options.autoscaling() != null && resources.milliCpus() == null) {
            throw new KubeException("autoscaling on CPU needs a CPU request: give --cpus, or package the model with --cpus");
        }
        Map<String, String> labels = labels(name, image);
        Map<String, String> annotations = annotations(image);
        Deployment deployment = deployment(name, image, options, resources, labels, annotations);
        Service service = service(name, options, labels);
        HorizontalPodAutoscaler autoscaler = options.autoscaling() == null ? null : autoscaler(name, options, labels);
        return new ManifestSet(deployment, service, autoscaler);
    }

    /** The labels every object and pod of the model carries; only {@link KubeLabels#APP} selects. */
    private static Map<String, String> labels(String name, ModelImage image) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(KubeLabels.APP, name);
        labels.put(KubeLabels.NAME, name);
        labels.put(KubeLabels.VERSION, image.version());
        labels.put(KubeLabels.MANAGED_BY, KubeLabels.BERTH);
        labels.put(ModelLabels.NAME, image.modelName());
        labels.put(ModelLabels.VERSION, image.version());
        return labels;
    }

    private static Map<String, String> annotations(ModelImage image) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(ModelLabels.VERSION, image.version());
        if (image.sha256() != null) {
            annotations.put(ModelLabels.SHA256, image.sha256());
        }
        annotations.put(KubeLabels.IMAGE, image.reference());
        annotations.put(KubeLabels.IMAGE_DIGEST, image.digest());
        return annotations;
    }

    private static ObjectMeta metadata(String name, ManifestOptions options, Map<String, String> labels,
                                       Map<String, String> annotations) {
        return new ObjectMetaBuilder().withName(name).withNamespace(options.namespace())
                .withLabels(labels).withAnnotations(annotations.isEmpty() ? null : annotations).build();
    }

    private static Deployment deployment(String name, ModelImage image, ManifestOptions options, Resources resources,
                                         Map<String, String> labels, Map<String, String> annotations) {
        Map<String, String> deploymentAnnotations = new LinkedHashMap<>(annotations);
        // kubectl rollout history shows this for each revision
        deploymentAnnotations.put(KubeLabels.CHANGE_CAUSE, "model " + image.modelName() + " version " + image.version()
                + " (" + image.reference() + ")");
        // Under an autoscaler the replica count is the autoscaler's: writing one here would fight it on every apply.
        Integer replicas = options.autoscaling() != null ? null : options.replicas() != null ? options.replicas() : 1;
        return new DeploymentBuilder()
                .withMetadata(metadata(name, options, labels, deploymentAnnotations))
                .withNewSpec()
                    .withReplicas(replicas)
                    .withRevisionHistoryLimit(options.revisionHistoryLimit())
                    .withNewSelector().addToMatchLabels(KubeLabels.APP, name).endSelector()
                    // A new pod must be ready before an old one goes: the model never serves with fewer replicas.
                    .withNewStrategy().withType("RollingUpdate")
                        .withNewRollingUpdate().withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1)).endRollingUpdate()
                    .endStrategy()
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).withAnnotations(annotations).endMetadata()
                        .withNewSpec()
                            .withContainers(container(image, resources))
                            .withTerminationGracePeriodSeconds(TERMINATION_GRACE_SECONDS)
                            // the model server never talks to the Kubernetes API, and needs no service variables
                            .withAutomountServiceAccountToken(false)
                            .withEnableServiceLinks(false)
                            .withNewSecurityContext().withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    private static Container container(ModelImage image, Resources resources) {
        return new ContainerBuilder()
                .withName(KubeLabels.CONTAINER)
                .withImage(image.reference())
                .withImagePullPolicy("IfNotPresent")
                .addNewPort().withName(KubeLabels.PORT_NAME).withContainerPort(image.port()).withProtocol("TCP").endPort()
                .withResources(resources(resources))
                .withLivenessProbe(probe(LIVE_PATH, image.port(), 10, 10))
                .withReadinessProbe(probe(READY_PATH, image.port(), 0, 5))
                .withNewSecurityContext().withAllowPrivilegeEscalation(false)
                    .withNewCapabilities().addToDrop("ALL").endCapabilities().endSecurityContext()
                .build();
    }

    private static Probe probe(String path, int port, int initialDelaySeconds, int periodSeconds) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(path).withPort(new IntOrString(port)).withScheme("HTTP").endHttpGet()
                .withInitialDelaySeconds(initialDelaySeconds)
                .withPeriodSeconds(periodSeconds)
                .withTimeoutSeconds(2)
                .withSuccessThreshold(1)
                .withFailureThreshold(3)
                .build();
    }

    /** Requests equal to limits: the Guaranteed QoS class (see {@link Resources}). */
    private static ResourceRequirements resources(Resources resources) {
        if (resources.isEmpty()) {
            return null;
        }
        Map<String, Quantity> amounts = new LinkedHashMap<>();
        if (resources.milliCpus() != null) {
            amounts.put("cpu", new Quantity(Quantities.cpu(resources.milliCpus())));
        }
        if (resources.memoryBytes() != null) {
            amounts.put("memory", new Quantity(Quantities.memory(resources.memoryBytes())));
        }
        return new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                .withRequests(new LinkedHashMap<>(amounts)).withLimits(new LinkedHashMap<>(amounts)).build();
    }

    private static Service service(String name, ManifestOptions options, Map<String, String> labels) {
        return new ServiceBuilder()
                .withMetadata(metadata(name, options, labels, Map.of()))
                .withNewSpec()
                    .withType("ClusterIP")
                    .addToSelector(KubeLabels.APP, name)
                    // By the port's name, so each pod is reached on its own version's port while a rollout mixes them.
                    .addNewPort().withName(KubeLabels.PORT_NAME).withPort(SERVICE_PORT)
                        .withTargetPort(new IntOrString(KubeLabels.PORT_NAME)).withProtocol("TCP").endPort()
                .endSpec()
                .build();
    }

    private static HorizontalPodAutoscaler autoscaler(String name, ManifestOptions options, Map<String, String> labels) {
        Autoscaling a = options.autoscaling();
        return new HorizontalPodAutoscalerBuilder()
                .withMetadata(metadata(name, options, labels, Map.of()))
                .withNewSpec()
                    .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(name).endScaleTargetRef()
                    .withMinReplicas(a.minReplicas())
                    .withMaxReplicas(a.maxReplicas())
                    .addNewMetric().withType("Resource")
                        .withNewResource().withName("cpu")
                            .withNewTarget().withType("Utilization").withAverageUtilization(a.cpuTargetPercent()).endTarget()
                        .endResource()
                    .endMetric()
                .endSpec()
                .build();
    }
}
