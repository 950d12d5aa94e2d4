package dev.berth.kube.cluster;

import dev.berth.kube.KubeException;
import dev.berth.kube.manifest.KubeLabels;
import dev.berth.kube.manifest.ManifestSet;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Objects;

/**
 * Puts a model's manifests into a namespace: creates what is missing, and changes existing objects by a JSON Patch
 * (fabric8's {@code edit}) from the live object to the live object with Berth's fields replaced.
 *
 * <p>Why not server-side apply: it would be the natural choice, but fabric8's mock API server (which the tests run
 * against, no cluster being possible here) answers it with 415, and its JSON merge patch appends to lists where RFC
 * 7386 replaces them, so neither could be tested. The explicit merge is also precise about ownership: Berth replaces
 * the pod template, strategy, selector, labels and annotations it writes, and keeps what others own: the replica count
 * under an autoscaler, the controller's revision annotation, a Service's cluster IP. A JSON Patch of the difference is
 * understood identically by every API server and the mock.
 */
final class Applier {
    private final KubernetesClient client;
    private final String namespace;

    Applier(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** Applies Service, Deployment and autoscaler; returns the Deployment as the API server stored it. */
    Deployment apply(ManifestSet set) {
        preflight(set);
        applyService(inNamespace(set.service()));
        Deployment applied = applyDeployment(inNamespace(set.deployment()), set.autoscaler());
        applyAutoscaler(set.name(), set.autoscaler() == null ? null : inNamespace(set.autoscaler()));
        return applied;
    }

    /** Every refusal before the first change, so a refused apply leaves the namespace as it was. */
    private void preflight(ManifestSet set) {
        String name = set.name();
        Deployment live = client.apps().deployments().inNamespace(namespace).withName(name).get();
        if (live != null) {
            requireBerth(live);
            if (!Objects.equals(live.getSpec().getSelector(), set.deployment().getSpec().getSelector())) {
                throw new KubeException("deployment " + name + " selects its pods by " + live.getSpec().getSelector().getMatchLabels()
                        + ", not " + set.deployment().getSpec().getSelector().getMatchLabels()
                        + ", and a selector cannot change: delete the deployment first");
            }
        }
        Service service = client.services().inNamespace(namespace).withName(name).get();
        if (service != null) {
            requireBerth(service);
        }
        HorizontalPodAutoscaler autoscaler = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace).withName(name).get();
        if (autoscaler != null) {
            requireBerth(autoscaler);
        }
    }

    private <T extends HasMetadata> T inNamespace(T object) {
        object.getMetadata().setNamespace(namespace);
        return object;
    }

    /** Refuses to touch an object of the same name that Berth did not make. */
    static void requireBerth(HasMetadata live) {
        Map<String, String> labels = live.getMetadata().getLabels();
        if (labels == null || !KubeLabels.BERTH.equals(labels.get(KubeLabels.MANAGED_BY))) {
            throw new KubeException(live.getKind() + " " + live.getMetadata().getName() + " in namespace "
                    + live.getMetadata().getNamespace() + " was not made by Berth (it has no " + KubeLabels.MANAGED_BY + "="
                    + KubeLabels.BERTH + " label): Berth leaves it alone; deploy under another name with --name");
        }
    }

    Deployment applyDeployment(Deployment desired, HorizontalPodAutoscaler autoscaler) {
        var resource = client.apps().deployments().inNamespace(namespace).withName(desired.getMetadata().getName());
        Deployment live = resource.get();
        if (live == null) {
            if (desired.getSpec().getReplicas() == null && autoscaler != null) {
                // Start at the autoscaler's minimum rather than Kubernetes' default of one; later applies leave the count alone.
                desired = new DeploymentBuilder(desired).editSpec().withReplicas(autoscaler.getSpec().getMinReplicas()).endSpec().build();
            }
            return client.apps().deployments().inNamespace(namespace).resource(desired).create();
        }
        requireBerth(live);
        Deployment want = desired;
        return Conflicts.retry(() -> resource.edit(current -> new DeploymentBuilder(current)
                .editMetadata()
                    .addToLabels(want.getMetadata().getLabels())
                    .addToAnnotations(want.getMetadata().getAnnotations())
                .endMetadata()
                .editSpec()
                    .withReplicas(want.getSpec().getReplicas() != null ? want.getSpec().getReplicas() : current.getSpec().getReplicas())
                    .withRevisionHistoryLimit(want.getSpec().getRevisionHistoryLimit())
                    .withStrategy(want.getSpec().getStrategy())
                    .withTemplate(want.getSpec().getTemplate())
                .endSpec()
                .build()));
    }

    private void applyService(Service desired) {
        var resource = client.services().inNamespace(namespace).withName(desired.getMetadata().getName());
        Service live = resource.get();
        if (live == null) {
            client.services().inNamespace(namespace).resource(desired).create();
            return;
        }
        requireBerth(live);
        Conflicts.retry(() -> resource.edit(current -> new ServiceBuilder(current)
                .editMetadata().addToLabels(desired.getMetadata().getLabels()).endMetadata()
                .editSpec()
                    .withType(desired.getSpec().getType())
                    .withSelector(desired.getSpec().getSelector())
                    .withPorts(desired.getSpec().getPorts())
                .endSpec()
                .build()));
    }

    private void applyAutoscaler(String name, HorizontalPodAutoscaler desired) {
        var resource = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace).withName(name);
        HorizontalPodAutoscaler live = resource.get();
        if (desired == null) {
            if (live != null) {
                requireBerth(live);
                // no autoscaling asked for any more: an autoscaler left behind would fight the fixed replica count
                resource.delete();
            }
            return;
        }
        if (live == null) {
            client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace).resource(desired).create();
            return;
        }
        requireBerth(live);
        Conflicts.retry(() -> resource.edit(current -> new HorizontalPodAutoscalerBuilder(current)
                .editMetadata().addToLabels(desired.getMetadata().getLabels()).endMetadata()
                .withSpec(desired.getSpec())
                .build()));
    }
}
