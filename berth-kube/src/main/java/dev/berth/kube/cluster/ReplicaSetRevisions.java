package dev.berth.kube.cluster;

import dev.berth.kube.manifest.KubeLabels;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The revisions a real cluster's Deployment controller keeps: one ReplicaSet per pod template the Deployment had,
 * numbered by its {@code deployment.kubernetes.io/revision} annotation, which is what {@code kubectl rollout undo}
 * goes back to. A mock API server has no controller, so it has none of these.
 */
final class ReplicaSetRevisions {
    /** One ReplicaSet revision and the pod template it runs (without the controller's pod-template-hash label). */
    record Revision(int number, String replicaSet, PodTemplateSpec template, Map<String, String> annotations) {
    }

    private ReplicaSetRevisions() {
    }

    static List<Revision> of(KubernetesClient client, Deployment deployment) {
        String namespace = deployment.getMetadata().getNamespace();
        Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
        List<ReplicaSet> sets = client.apps().replicaSets().inNamespace(namespace).withLabels(selector).list().getItems();
        return sets.stream()
                .filter(rs -> ownedBy(rs, deployment))
                .filter(rs -> revision(rs.getMetadata().getAnnotations()).isPresent())
                .map(rs -> new Revision(revision(rs.getMetadata().getAnnotations()).getAsInt(), rs.getMetadata().getName(),
                        withoutHash(rs.getSpec().getTemplate()),
                        rs.getMetadata().getAnnotations()))
                .sorted(Comparator.comparingInt(Revision::number))
                .toList();
    }

    /** The controller's revision number on a Deployment or ReplicaSet. */
    static OptionalInt revision(Map<String, String> annotations) {
        String value = annotations == null ? null : annotations.get(KubeLabels.K8S_REVISION);
        try {
            return value == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private static boolean ownedBy(ReplicaSet rs, Deployment deployment) {
        List<OwnerReference> owners = rs.getMetadata().getOwnerReferences();
        return owners != null && owners.stream().anyMatch(o -> "Deployment".equals(o.getKind())
                && deployment.getMetadata().getUid() != null && deployment.getMetadata().getUid().equals(o.getUid()));
    }

    private static PodTemplateSpec withoutHash(PodTemplateSpec template) {
        Map<String, String> labels = new LinkedHashMap<>(template.getMetadata().getLabels() == null
                ? Map.of() : template.getMetadata().getLabels());
        labels.remove(KubeLabels.POD_TEMPLATE_HASH);
        return new PodTemplateSpecBuilder(template).editMetadata().withLabels(labels).endMetadata().build();
    }
}
