package dev.berth.kube.cluster;

import dev.berth.kube.KubeException;
import dev.berth.kube.manifest.KubeLabels;
import dev.berth.oci.OciException;
import dev.berth.oci.json.Json;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The releases Berth applied for one Deployment, kept in the cluster beside it: a ConfigMap {@code berth-NAME-history}
 * with one key per release ({@code release-N}) holding the release as JSON, manifests included. It lives in the cluster
 * rather than on the deploying machine so that whoever rolls back sees what whoever deployed did; an owner reference
 * to the Deployment makes Kubernetes delete it with the Deployment.
 */
final class ReleaseHistory {
    private static final String KEY_PREFIX = "release-";

    private final KubernetesClient client;
    private final String namespace;

    ReleaseHistory(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    static String configMapName(String deployment) {
        return "berth-" + deployment + "-history";
    }

    /** The releases, oldest first; none when Berth never deployed NAME here (or the history was deleted). */
    List<Release> read(String deployment) {
        ConfigMap map = client.configMaps().inNamespace(namespace).withName(configMapName(deployment)).get();
        return map == null ? List.of() : releases(map);
    }

    private static List<Release> releases(ConfigMap map) {
        List<Release> releases = new ArrayList<>();
        if (map.getData() != null) {
            for (Map.Entry<String, String> entry : map.getData().entrySet()) {
                if (entry.getKey().startsWith(KEY_PREFIX)) {
                    try {
                        releases.add(Json.read(entry.getValue().getBytes(StandardCharsets.UTF_8), Release.class,
                                "release " + entry.getKey() + " in ConfigMap " + map.getMetadata().getName()));
                    } catch (OciException e) {
                        throw new KubeException(e.getMessage() + " (delete the key, or the ConfigMap to start a new history)", e);
                    }
                }
            }
        }
        releases.sort(Comparator.comparingInt(Release::revision));
        return releases;
    }

    /** The number the next release gets. */
    static int nextRevision(List<Release> releases) {
        return releases.isEmpty() ? 1 : releases.getLast().revision() + 1;
    }

    /**
     * Adds a release, keeping the newest {@code keep}. The write carries the ConfigMap's resourceVersion, so two
     * deploys racing cannot both believe they wrote revision N: the second gets a conflict.
     */
    void append(Deployment owner, Release release, int keep) {
        String name = configMapName(owner.getMetadata().getName());
        ConfigMap live = client.configMaps().inNamespace(namespace).withName(name).get();
        List<Release> releases = new ArrayList<>(live == null ? List.of() : releases(live));
        releases.add(release);
        releases.sort(Comparator.comparingInt(Release::revision));
        while (releases.size() > Math.max(keep, 2)) {
            releases.removeFirst();
        }
        Map<String, String> data = new LinkedHashMap<>();
        for (Release r : releases) {
            data.put(KEY_PREFIX + r.revision(), Json.pretty(r));
        }
        ConfigMap desired = new ConfigMapBuilder()
                .withNewMetadata()
                    .withName(name).withNamespace(namespace)
                    .addToLabels(KubeLabels.APP, owner.getMetadata().getName())
                    .addToLabels(KubeLabels.MANAGED_BY, KubeLabels.BERTH)
                    .addToLabels(KubeLabels.HISTORY_OF, owner.getMetadata().getName())
                    .withResourceVersion(live == null ? null : live.getMetadata().getResourceVersion())
                    .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment")
                        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).endOwnerReference()
                .endMetadata()
                .withData(data)
                .build();
        if (live == null) {
            client.configMaps().inNamespace(namespace).resource(desired).create();
        } else {
            client.configMaps().inNamespace(namespace).resource(desired).update();
        }
    }
}
