package dev.berth.kube.cluster;

import dev.berth.kube.KubeException;
import dev.berth.kube.manifest.KubeLabels;
import dev.berth.kube.manifest.KubeNames;
import dev.berth.kube.manifest.ManifestSet;
import dev.berth.model.ModelLabels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Deploys models to a cluster, rolls them back, and reports on them.
 *
 * <p>Rollback history. Every deploy records a release in Berth's history ConfigMap ({@code berth-NAME-history}):
 * its number, the model version and image, and the full manifests applied; the Deployment carries the number of the
 * release it runs ({@code dev.berth.kube.release}). A rollback re-applies the manifests of the release before the
 * running one (or of {@code --to-revision N}) as a new release, as {@code kubectl rollout undo} makes the old template
 * the newest revision, so rolling back twice returns to where one started. Whole manifests, not just the pod template,
 * because a version may change the port or resources the Service and autoscaler depend on. This works the same on a
 * real cluster and on an API server without controllers (the tests' mock). When Berth has no release to go back to
 * (manifests applied with {@code kubectl apply}, or the history deleted), the rollback uses the Deployment
 * controller's ReplicaSets as {@code kubectl rollout undo} does, if the cluster has them.
 */
public final class KubeDeployer {
    /** How often a rollout's progress is read. */
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(1);

    private final ClusterConnection cluster;
    private final KubernetesClient client;
    private final String namespace;
    private final Duration pollInterval;

    public KubeDeployer(ClusterConnection cluster) {
        this(cluster, DEFAULT_POLL);
    }

    public KubeDeployer(ClusterConnection cluster, Duration pollInterval) {
        this.cluster = cluster;
        this.client = cluster.client();
        this.namespace = cluster.namespace();
        this.pollInterval = pollInterval;
    }

    /**
     * Applies the manifests as a new release, records it, and follows the rollout until every replica runs it.
     *
     * @param progress receives one line per change of the rollout's state
     * @throws KubeException when the cluster refuses, cannot be reached, or the rollout fails or outlasts {@code timeout}
     */
    public DeployResult deploy(ManifestSet manifests, Duration timeout, Consumer<String> progress) {
        return call("deploying " + manifests.name() + " to namespace " + namespace,
                () -> release(manifests, "deploy", timeout, progress));
    }

    /**
     * Returns a Deployment to its previous revision, or to {@code toRevision}, and follows the rollout.
     *
     * @param toRevision a revision number as {@code berth kube status} lists them, or null for the previous one
     */
    public DeployResult rollback(String name, Integer toRevision, Duration timeout, Consumer<String> progress) {
        KubeNames.objectName(name, "deployment name");
        return call("rolling back " + name + " in namespace " + namespace, () -> {
            Deployment live = existing(name);
            List<Release> releases = new ReleaseHistory(client, namespace).read(name);
            OptionalInt running = release(live);
            Release target = null;
            if (toRevision != null) {
                target = releases.stream().filter(r -> r.revision() == toRevision).findFirst().orElse(null);
            } else if (running.isPresent()) {
                target = releases.stream().filter(r -> r.revision() < running.getAsInt()).reduce((a, b) -> b).orElse(null);
            }
            if (target == null) {
                return rollbackToReplicaSet(live, releases, toRevision, timeout, progress);
            }
            if (running.isPresent() && running.getAsInt() == target.revision()) {
                return new DeployResult(name, namespace, target.revision(), target.version(), target.image(), null,
                        "deployment " + name + " already runs revision " + target.revision() + " (model version "
                                + target.version() + "): nothing to roll back");
            }
            progress.accept("rolling back to revision " + target.revision() + " (model version " + target.version() + ")");
            return release(ManifestSet.parse(target.manifests()), "rollback to revision " + target.revision(), timeout, progress);
        });
    }

    /** The Deployment's state and the revisions it can be rolled back to. */
    public DeploymentReport status(String name) {
        KubeNames.objectName(name, "deployment name");
        return call("reading deployment " + name + " in namespace " + namespace, () -> {
            Deployment live = existing(name);
            PodTemplateSpec template = live.getSpec().getTemplate();
            DeploymentStatus s = live.getStatus() == null ? new DeploymentStatus() : live.getStatus();
            long generation = live.getMetadata().getGeneration() == null ? 0 : live.getMetadata().getGeneration();
            HorizontalPodAutoscaler hpa = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace).withName(name).get();
            List<Release> releases = new ReleaseHistory(client, namespace).read(name);
            List<DeploymentReport.Revision> revisions = new ArrayList<>();
            String source;
            if (!releases.isEmpty()) {
                OptionalInt running = release(live);
                for (Release r : releases) {
                    revisions.add(new DeploymentReport.Revision(r.revision(), r.version(), r.image(), r.appliedAt(), r.cause(),
                            running.isPresent() && running.getAsInt() == r.revision()));
                }
                source = "Berth's history, ConfigMap " + ReleaseHistory.configMapName(name);
            } else {
                OptionalInt running = ReplicaSetRevisions.revision(live.getMetadata().getAnnotations());
                for (ReplicaSetRevisions.Revision r : ReplicaSetRevisions.of(client, live)) {
                    revisions.add(new DeploymentReport.Revision(r.number(), versionOf(r.template()), imageOf(r.template()), null,
                            "ReplicaSet " + r.replicaSet(), running.isPresent() && running.getAsInt() == r.number()));
                }
                source = "the cluster's ReplicaSets";
            }
            Map<String, String> labels = live.getMetadata().getLabels() == null ? Map.of() : live.getMetadata().getLabels();
            return new DeploymentReport(name, namespace, labels.get(ModelLabels.NAME), versionOf(template), imageOf(template),
                    live.getSpec().getReplicas() == null ? 1 : live.getSpec().getReplicas(), count(s.getUpdatedReplicas()),
                    count(s.getReadyReplicas()), count(s.getAvailableReplicas()), RolloutStatus.of(live, generation),
                    hpa == null ? null : hpa.getSpec().getMinReplicas() + "-" + hpa.getSpec().getMaxReplicas(), source, revisions);
        });
    }

    private DeployResult release(ManifestSet manifests, String cause, Duration timeout, Consumer<String> progress) {
        ReleaseHistory history = new ReleaseHistory(client, namespace);
        int revision = ReleaseHistory.nextRevision(history.read(manifests.name()));
        Deployment numbered = new DeploymentBuilder(manifests.deployment())
                .editMetadata().addToAnnotations(KubeLabels.RELEASE, Integer.toString(revision)).endMetadata().build();
        ManifestSet applying = new ManifestSet(numbered, manifests.service(), manifests.autoscaler());
        Deployment applied = new Applier(client, namespace).apply(applying);
        PodTemplateSpec template = applied.getSpec().getTemplate();
        Release release = new Release(revision, template.getMetadata().getLabels().get(ModelLabels.NAME), versionOf(template),
                imageOf(template), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), cause, manifests.yaml());
        int keep = (applied.getSpec().getRevisionHistoryLimit() == null ? 10 : applied.getSpec().getRevisionHistoryLimit()) + 1;
        history.append(applied, release, keep);
        progress.accept("applied revision " + revision + " (model version " + release.version() + ", " + release.image() + "): "
                + String.join(", ", applying.objects().stream().map(KubeDeployer::kindAndName).toList())
                + " in namespace " + namespace + " at " + cluster.description());
        RolloutStatus done = new RolloutFollower(client, namespace, pollInterval)
                .follow(manifests.name(), applied.getMetadata().getGeneration(), timeout, progress);
        return new DeployResult(manifests.name(), namespace, revision, release.version(), release.image(), done,
                "deployment " + manifests.name() + " rolled out revision " + revision + ": model version " + release.version());
    }

    /** kubectl rollout undo's way: the pod template of an older ReplicaSet becomes the Deployment's again. */
    private DeployResult rollbackToReplicaSet(Deployment live, List<Release> releases, Integer toRevision, Duration timeout,
                                              Consumer<String> progress) {
        String name = live.getMetadata().getName();
        List<ReplicaSetRevisions.Revision> revisions = ReplicaSetRevisions.of(client, live);
        if (revisions.isEmpty() || (toRevision == null && revisions.size() < 2)) {
            String berth = releases.isEmpty() ? "Berth has no history of it" : "Berth's history holds revision"
                    + (releases.size() == 1 ? " " : "s ") + String.join(", ", releases.stream().map(r -> Integer.toString(r.revision())).toList());
            throw new KubeException(toRevision != null
                    ? "deployment " + name + " has no revision " + toRevision + ": " + berth + ", and the cluster keeps no ReplicaSet of that revision"
                    : "deployment " + name + " has no previous revision to roll back to: " + berth
                            + ", and the cluster keeps no older ReplicaSet");
        }
        int running = ReplicaSetRevisions.revision(live.getMetadata().getAnnotations()).orElse(revisions.getLast().number());
        ReplicaSetRevisions.Revision target = toRevision != null
                ? revisions.stream().filter(r -> r.number() == toRevision).findFirst().orElseThrow(() -> new KubeException(
                        "deployment " + name + " has no revision " + toRevision + " (its ReplicaSets hold revisions "
                                + String.join(", ", revisions.stream().map(r -> Integer.toString(r.number())).toList()) + ")"))
                : revisions.stream().filter(r -> r.number() < running).reduce((a, b) -> b).orElseThrow(() -> new KubeException(
                        "deployment " + name + " runs its oldest revision " + running + ": there is no previous one"));
        if (target.number() == running) {
            return new DeployResult(name, namespace, running, versionOf(target.template()), imageOf(target.template()), null,
                    "deployment " + name + " already runs revision " + running + ": nothing to roll back");
        }
        progress.accept("rolling back to ReplicaSet " + target.replicaSet() + ", revision " + target.number()
                + " (model version " + versionOf(target.template()) + ")");
        String cause = target.annotations() == null ? null : target.annotations().get(KubeLabels.CHANGE_CAUSE);
        Deployment applied = Conflicts.retry(() -> client.apps().deployments().inNamespace(namespace).withName(name).edit(current -> {
            DeploymentBuilder b = new DeploymentBuilder(current).editSpec().withTemplate(target.template()).endSpec();
            // what runs now is no Berth release: Berth's next rollback must not take it for one
            b.editMetadata().removeFromAnnotations(KubeLabels.RELEASE).endMetadata();
            if (cause != null) {
                b.editMetadata().addToAnnotations(KubeLabels.CHANGE_CAUSE, cause).endMetadata();
            }
            return b.build();
        }));
        RolloutStatus done = new RolloutFollower(client, namespace, pollInterval)
                .follow(name, applied.getMetadata().getGeneration(), timeout, progress);
        return new DeployResult(name, namespace, target.number(), versionOf(target.template()), imageOf(target.template()), done,
                "deployment " + name + " rolled back to the template of revision " + target.number() + ": model version "
                        + versionOf(target.template()));
    }

    private Deployment existing(String name) {
        Deployment live = client.apps().deployments().inNamespace(namespace).withName(name).get();
        if (live == null) {
            throw new KubeException("no deployment " + name + " in namespace " + namespace + " at " + cluster.description());
        }
        Applier.requireBerth(live);
        return live;
    }

    private static OptionalInt release(Deployment d) {
        Map<String, String> annotations = d.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(KubeLabels.RELEASE);
        try {
            return value == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private static String versionOf(PodTemplateSpec template) {
        Map<String, String> labels = template.getMetadata().getLabels();
        return labels == null ? null : labels.get(ModelLabels.VERSION);
    }

    private static String imageOf(PodTemplateSpec template) {
        return template.getSpec().getContainers().stream().filter(c -> KubeLabels.CONTAINER.equals(c.getName()))
                .findFirst().orElse(template.getSpec().getContainers().getFirst()).getImage();
    }

    private static int count(Integer n) {
        return n == null ? 0 : n;
    }

    private static String kindAndName(HasMetadata o) {
        return o.getKind().toLowerCase(java.util.Locale.ROOT) + "/" + o.getMetadata().getName();
    }

    private <T> T call(String doing, Supplier<T> body) {
        try {
            return body.get();
        } catch (KubernetesClientException e) {
            throw ClusterErrors.translate(e, cluster, doing);
        }
    }
}
