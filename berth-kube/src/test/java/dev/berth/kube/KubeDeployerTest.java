package dev.berth.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.kube.cluster.ClusterConnection;
import dev.berth.kube.cluster.ClusterTarget;
import dev.berth.kube.cluster.DeployResult;
import dev.berth.kube.cluster.DeploymentReport;
import dev.berth.kube.cluster.KubeDeployer;
import dev.berth.kube.manifest.Autoscaling;
import dev.berth.kube.manifest.ManifestOptions;
import dev.berth.kube.manifest.ManifestSet;
import dev.berth.kube.manifest.Manifests;
import dev.berth.kube.manifest.ModelImages;
import dev.berth.model.ModelLabels;
import dev.berth.oci.store.ImageStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploy, rollout, history and rollback against fabric8's mock API server in CRUD mode, reached the way users reach a
 * cluster: through a kubeconfig file. The mock has no controllers; {@link FakeDeploymentController} writes the
 * rollout status a real one would.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubeDeployerTest {
    static final String NS = "models";
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;
    ImageStore store;
    ClusterConnection cluster;
    KubeDeployer deployer;
    FakeDeploymentController controller;
    final List<String> progress = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        store = ImageStore.open(dir.resolve("store"));
        ModelImageFixture.image(store, "localhost:5001/iris:1", ModelImageFixture.labels("iris", "1"));
        ModelImageFixture.image(store, "localhost:5001/iris:2", ModelImageFixture.labels("iris", "2"));
        Path kubeconfig = Kubeconfigs.write(dir, client.getMasterUrl().toString(), "mock", NS);
        cluster = ClusterConnection.open(new ClusterTarget(kubeconfig, null, null));
        deployer = new KubeDeployer(cluster, Duration.ofMillis(20));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (controller != null) {
            controller.close();
        }
        cluster.close();
    }

    private void startController() {
        startController(Duration.ofMillis(30));
    }

    private void startController(Duration step) {
        controller = new FakeDeploymentController(client, NS, step);
    }

    private ManifestSet manifests(String image, ManifestOptions options) {
        return Manifests.build(ModelImages.read(store, image, null, false), options.withNamespace(NS));
    }

    private ManifestSet manifests(String image) {
        return manifests(image, ManifestOptions.defaults().withReplicas(2));
    }

    private Deployment live() {
        return client.apps().deployments().inNamespace(NS).withName("iris").get();
    }

    private static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage();
    }

    @Test
    void deployCreatesTheObjectsAndFollowsTheRolloutToTheEnd() {
        // slow enough that polling every 20 ms sees each stage
        startController(Duration.ofMillis(200));
        DeployResult result = deployer.deploy(manifests("localhost:5001/iris:1"), TIMEOUT, progress::add);

        assertThat(result.revision()).isEqualTo(1);
        assertThat(result.version()).isEqualTo("1");
        assertThat(result.rollout().done()).isTrue();
        Deployment d = live();
        assertThat(image(d)).isEqualTo("localhost:5001/iris:1");
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        assertThat(d.getMetadata().getAnnotations()).containsEntry("dev.berth.kube.release", "1");
        assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(2);
        assertThat(client.services().inNamespace(NS).withName("iris").get().getSpec().getPorts().getFirst().getPort()).isEqualTo(80);
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("iris").get()).isNull();
        ConfigMap history = client.configMaps().inNamespace(NS).withName("berth-iris-history").get();
        assertThat(history.getData()).containsOnlyKeys("release-1");
        assertThat(history.getMetadata().getOwnerReferences().getFirst().getUid()).isEqualTo(d.getMetadata().getUid());
        // the rollout's stages were reported as they happened, ending with the finished state
        assertThat(progress.getFirst()).startsWith("applied revision 1 (model version 1, localhost:5001/iris:1): "
                + "deployment/iris, service/iris in namespace models at " + client.getMasterUrl().toString().replaceAll("/$", ""));
        assertThat(progress).containsSubsequence("waiting for the Deployment controller to see the new spec",
                "1 of 2 replicas run the new version", "1 old replica still terminating");
        assertThat(progress.getLast()).isEqualTo("2 of 2 replicas run the new version and are available");
        assertThat(controller.rolled()).contains("iris@" + d.getMetadata().getGeneration());
    }

    @Test
    void aNewVersionReplacesTheImageAndRollbackReturnsToTheOldOneAndBackAgain() {
        startController();
        deployer.deploy(manifests("localhost:5001/iris:1"), TIMEOUT, progress::add);
        DeployResult v2 = deployer.deploy(manifests("localhost:5001/iris:2"), TIMEOUT, progress::add);
        assertThat(v2.revision()).isEqualTo(2);
        assertThat(image(live())).isEqualTo("localhost:5001/iris:2");
        assertThat(live().getSpec().getTemplate().getMetadata().getLabels()).containsEntry(ModelLabels.VERSION, "2");

        DeploymentReport report = deployer.status("iris");
        assertThat(report.revisions()).extracting(DeploymentReport.Revision::number, DeploymentReport.Revision::version,
                        DeploymentReport.Revision::image, DeploymentReport.Revision::current)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "1", "localhost:5001/iris:1", false),
                        org.assertj.core.groups.Tuple.tuple(2, "2", "localhost:5001/iris:2", true));
        assertThat(report.version()).isEqualTo("2");
        assertThat(report.rollout().done()).isTrue();

        DeployResult back = deployer.rollback("iris", null, TIMEOUT, progress::add);
        assertThat(back.revision()).isEqualTo(3);
        assertThat(back.version()).isEqualTo("1");
        assertThat(back.rollout().done()).isTrue();
        assertThat(image(live())).isEqualTo("localhost:5001/iris:1");
        assertThat(live().getMetadata().getAnnotations()).containsEntry("dev.berth.kube.release", "3")
                .containsEntry(ModelLabels.VERSION, "1");
        assertThat(progress).contains("rolling back to revision 1 (model version 1)");
        assertThat(deployer.status("iris").revisions().getLast().cause()).isEqualTo("rollback to revision 1");

        // undoing the undo goes forward again, as kubectl rollout undo does
        assertThat(deployer.rollback("iris", null, TIMEOUT, progress::add).version()).isEqualTo("2");
        assertThat(image(live())).isEqualTo("localhost:5001/iris:2");
        // and to a named revision
        DeployResult to1 = deployer.rollback("iris", 1, TIMEOUT, progress::add);
        assertThat(to1.revision()).isEqualTo(5);
        assertThat(image(live())).isEqualTo("localhost:5001/iris:1");
        DeployResult same = deployer.rollback("iris", 5, TIMEOUT, progress::add);
        assertThat(same.rollout()).isNull();
        assertThat(same.message()).contains("already runs revision 5");
        assertThatThrownBy(() -> deployer.rollback("iris", 42, TIMEOUT, progress::add)).isInstanceOf(KubeException.class)
                .hasMessageContaining("no revision 42").hasMessageContaining("revisions 1, 2, 3, 4, 5");
    }

    @Test
    void theHistoryKeepsAsManyReleasesAsTheRevisionHistoryLimitAllows() {
        startController();
        ManifestOptions keepOne = new ManifestOptions(1, null, null, null, null, 1);
        deployer.deploy(manifests("localhost:5001/iris:1", keepOne), TIMEOUT, progress::add);
        deployer.deploy(manifests("localhost:5001/iris:2", keepOne), TIMEOUT, progress::add);
        deployer.deploy(manifests("localhost:5001/iris:1", keepOne), TIMEOUT, progress::add);
        assertThat(client.configMaps().inNamespace(NS).withName("berth-iris-history").get().getData())
                .containsOnlyKeys("release-2", "release-3");
        assertThat(deployer.rollback("iris", null, TIMEOUT, progress::add).version()).isEqualTo("2");
    }

    @Test
    void aRolloutThatDoesNotFinishInTimeFailsWithAClearMessage() {
        // no controller: the status never moves
        assertThatThrownBy(() -> deployer.deploy(manifests("localhost:5001/iris:1"), Duration.ofMillis(300), progress::add))
                .isInstanceOf(KubeException.class)
                .hasMessageStartingWith("the rollout of deployment iris in namespace models did not finish within 0.3s: "
                        + "waiting for the Deployment controller to see the new spec")
                .hasMessageContaining("berth kube rollback iris");
        // what was applied stays applied, and recorded
        assertThat(live()).isNotNull();
        assertThat(client.configMaps().inNamespace(NS).withName("berth-iris-history").get().getData()).containsKey("release-1");
    }

    @Test
    void aRolloutPastItsProgressDeadlineFails() throws Exception {
        Thread stalls = Thread.ofVirtual().start(() -> {
            while (true) {
                Deployment d = live();
                if (d != null) {
                    d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration())
                            .withReplicas(3).withUpdatedReplicas(1).withAvailableReplicas(2)
                            .addNewCondition().withType("Progressing").withStatus("False").withReason("ProgressDeadlineExceeded")
                            .withMessage("ReplicaSet \"iris-7d9\" has timed out progressing.").endCondition().build());
                    client.apps().deployments().inNamespace(NS).resource(d).updateStatus();
                    return;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        assertThatThrownBy(() -> deployer.deploy(manifests("localhost:5001/iris:1"), TIMEOUT, progress::add))
                .isInstanceOf(KubeException.class)
                .hasMessageContaining("the rollout of deployment iris in namespace models failed: the rollout made no progress"
                        + " within the deadline: ReplicaSet \"iris-7d9\" has timed out progressing.");
        stalls.join();
    }

    @Test
    void objectsBerthDidNotMakeAreLeftAloneAndNothingIsHalfApplied() {
        client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
                .withNewMetadata().withName("iris").endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("run", "iris").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("run", "iris").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
        assertThatThrownBy(() -> deployer.deploy(manifests("localhost:5001/iris:1"), TIMEOUT, progress::add))
                .isInstanceOf(KubeException.class)
                .hasMessageContaining("Deployment iris in namespace models was not made by Berth");
        assertThat(client.services().inNamespace(NS).withName("iris").get()).isNull();
        assertThat(image(live())).isEqualTo("nginx");
        assertThatThrownBy(() -> deployer.rollback("iris", null, TIMEOUT, progress::add)).hasMessageContaining("not made by Berth");
    }

    @Test
    void autoscalingCreatesAnHpaAndLeavesTheReplicaCountToIt() {
        startController();
        ManifestOptions autoscaled = ManifestOptions.defaults().withAutoscaling(new Autoscaling(2, 6, 70));
        DeployResult r = deployer.deploy(manifests("localhost:5001/iris:1", autoscaled), TIMEOUT, progress::add);
        assertThat(r.rollout().done()).isTrue();
        assertThat(live().getSpec().getReplicas()).as("created at the autoscaler's minimum").isEqualTo(2);
        var hpa = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("iris").get();
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("iris");
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(6);

        // the autoscaler scales the Deployment; the next version must not reset that
        Deployment scaled = live();
        client.apps().deployments().inNamespace(NS).withName("iris").scale(5);
        deployer.deploy(manifests("localhost:5001/iris:2", autoscaled), TIMEOUT, progress::add);
        assertThat(live().getSpec().getReplicas()).isEqualTo(5);
        assertThat(image(live())).isEqualTo("localhost:5001/iris:2");
        assertThat(scaled.getMetadata().getUid()).isEqualTo(live().getMetadata().getUid());
        assertThat(deployer.status("iris").autoscaler()).isEqualTo("2-6");

        // a fixed count again: the autoscaler goes, or it would fight the count
        deployer.deploy(manifests("localhost:5001/iris:2", ManifestOptions.defaults().withReplicas(3)), TIMEOUT, progress::add);
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("iris").get()).isNull();
        assertThat(live().getSpec().getReplicas()).isEqualTo(3);
        // rolling back to the autoscaled release brings the autoscaler back
        deployer.rollback("iris", null, TIMEOUT, progress::add);
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("iris").get()).isNotNull();
    }

    @Test
    void withoutBerthHistoryRollbackUsesTheReplicaSetsAsKubectlDoes() {
        startController();
        // manifests applied by other means (kubectl apply -f): no Berth history, the controller's ReplicaSets instead
        ManifestSet v1 = manifests("localhost:5001/iris:1");
        ManifestSet v2 = manifests("localhost:5001/iris:2");
        Deployment created = client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder(v2.deployment())
                .editMetadata().addToAnnotations("deployment.kubernetes.io/revision", "2").endMetadata().build()).create();
        replicaSet(created, "iris-5f6", 1, v1.deployment().getSpec().getTemplate());
        replicaSet(created, "iris-7c8", 2, v2.deployment().getSpec().getTemplate());
        // a ReplicaSet of another owner with the same labels is not a revision of this Deployment
        client.apps().replicaSets().inNamespace(NS).resource(new ReplicaSetBuilder()
                .withNewMetadata().withName("stranger").addToLabels("app", "iris")
                .addToAnnotations("deployment.kubernetes.io/revision", "1").endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "iris").endSelector()
                .withTemplate(v2.deployment().getSpec().getTemplate()).endSpec().build()).create();

        DeploymentReport report = deployer.status("iris");
        assertThat(report.historySource()).isEqualTo("the cluster's ReplicaSets");
        assertThat(report.revisions()).extracting(DeploymentReport.Revision::number).containsExactly(1, 2);

        DeployResult back = deployer.rollback("iris", null, TIMEOUT, progress::add);
        assertThat(back.revision()).isEqualTo(1);
        assertThat(back.version()).isEqualTo("1");
        assertThat(progress).contains("rolling back to ReplicaSet iris-5f6, revision 1 (model version 1)");
        PodTemplateSpec template = live().getSpec().getTemplate();
        assertThat(template.getMetadata().getLabels()).doesNotContainKey("pod-template-hash");
        assertThat(template).isEqualTo(v1.deployment().getSpec().getTemplate());
    }

    private void replicaSet(Deployment owner, String name, int revision, PodTemplateSpec template) {
        PodTemplateSpec hashed = new PodTemplateSpecBuilder(template).editMetadata().addToLabels("pod-template-hash", name.substring(5)).endMetadata().build();
        client.apps().replicaSets().inNamespace(NS).resource(new ReplicaSetBuilder()
                .withNewMetadata().withName(name).withLabels(hashed.getMetadata().getLabels())
                .addToAnnotations("deployment.kubernetes.io/revision", Integer.toString(revision))
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName("iris")
                .withUid(owner.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels(hashed.getMetadata().getLabels()).endSelector()
                .withTemplate(hashed).endSpec().build()).create();
    }

    @Test
    void aRollbackWithNothingToGoBackToSaysSo() {
        startController();
        deployer.deploy(manifests("localhost:5001/iris:1"), TIMEOUT, progress::add);
        assertThatThrownBy(() -> deployer.rollback("iris", null, TIMEOUT, progress::add)).isInstanceOf(KubeException.class)
                .hasMessage("deployment iris has no previous revision to roll back to: Berth's history holds revision 1,"
                        + " and the cluster keeps no older ReplicaSet");
        assertThatThrownBy(() -> deployer.rollback("absent", null, TIMEOUT, progress::add)).isInstanceOf(KubeException.class)
                .hasMessageStartingWith("no deployment absent in namespace models at ");
        assertThatThrownBy(() -> deployer.status("absent")).hasMessageStartingWith("no deployment absent in namespace models");
    }

    @Test
    void clusterProblemsAreNamed() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Path unreachable = Kubeconfigs.write(dir, "https://127.0.0.1:" + closedPort, "gone", "default");
        try (ClusterConnection gone = ClusterConnection.open(new ClusterTarget(unreachable, null, null))) {
            assertThatThrownBy(() -> new KubeDeployer(gone).deploy(manifests("localhost:5001/iris:1"), TIMEOUT, progress::add))
                    .isInstanceOf(KubeException.class)
                    .hasMessageStartingWith("cannot reach the Kubernetes API server at https://127.0.0.1:" + closedPort
                            + " (context gone) while deploying iris to namespace default")
                    .hasMessageContaining(": connection refused. Is the cluster running");
        }
        assertThatThrownBy(() -> ClusterConnection.open(new ClusterTarget(dir.resolve("missing"), null, null)))
                .isInstanceOf(KubeException.class).hasMessage("kubeconfig " + dir.resolve("missing") + " does not exist");
        assertThatThrownBy(() -> ClusterConnection.open(new ClusterTarget(unreachable, "prod", null)))
                .isInstanceOf(KubeException.class).hasMessage("the kubeconfig has no context 'prod' (it has gone)");

        String before = System.getProperty("kubeconfig");
        System.setProperty("kubeconfig", dir.resolve("nowhere/config").toString());
        try {
            assertThatThrownBy(() -> ClusterConnection.open(ClusterTarget.current())).isInstanceOf(KubeException.class)
                    .hasMessageStartingWith("no kubeconfig found (looked for " + dir.resolve("nowhere/config") + ")")
                    .hasMessageContaining("--kubeconfig FILE");
        } finally {
            if (before == null) {
                System.clearProperty("kubeconfig");
            } else {
                System.setProperty("kubeconfig", before);
            }
        }
    }

    @Test
    void theKubeconfigNamespaceAndAnExplicitOneAreHonoured() {
        assertThat(cluster.namespace()).isEqualTo(NS);
        Path kubeconfig = Kubeconfigs.write(dir, client.getMasterUrl().toString(), "mock", NS);
        try (ClusterConnection other = ClusterConnection.open(new ClusterTarget(kubeconfig, "mock", "staging"))) {
            assertThat(other.namespace()).isEqualTo("staging");
            assertThat(other.description()).endsWith("(context mock)");
        }
    }
}
