package dev.berth.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cli.BerthCommand;
import dev.berth.model.ModelLabels;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Platform;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.layer.LayerOptions;
import dev.berth.oci.layer.LayerWriter;
import dev.berth.oci.layer.WrittenLayer;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.BlobWriter;
import dev.berth.oci.store.ImageAssembler;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code berth kube …} end to end in this JVM: a temporary store, and fabric8's mock API server behind a kubeconfig. */
@EnableKubernetesMockClient(crud = true, https = false)
class KubeCommandTest {
    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;
    Path root;
    Path kubeconfig;
    Thread controller;

    record Run(int exit, String out, String err) {
    }

    private Run berth(String... args) {
        List<String> full = new ArrayList<>(List.of("--root", root.toString()));
        full.addAll(List.of(args));
        String[] argv = full.toArray(String[]::new);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var cl = BerthCommand.commandLine(argv);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        int exit = cl.execute(argv);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void setUp() throws Exception {
        root = dir.resolve("berth");
        ImageStore store = ImageStore.open(root);
        modelImage(store, "localhost:5001/iris:1", "1");
        modelImage(store, "localhost:5001/iris:2", "2");
        modelImage(store, "plain:1", null);
        kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                contexts:
                - name: mock
                  context: {cluster: mock, user: tester, namespace: models}
                current-context: mock
                users:
                - name: tester
                  user: {token: not-a-secret}
                """.formatted(client.getMasterUrl()));
    }

    @AfterEach
    void stopController() throws InterruptedException {
        if (controller != null) {
            controller.interrupt();
            controller.join(5000);
        }
    }

    /** Marks every new generation of every Deployment in "models" rolled out, as the Deployment controller would. */
    private void startController() {
        controller = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    for (Deployment d : client.apps().deployments().inNamespace("models").list().getItems()) {
                        long gen = d.getMetadata().getGeneration();
                        if (d.getStatus() == null || d.getStatus().getObservedGeneration() == null || d.getStatus().getObservedGeneration() < gen) {
                            int n = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                            d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(gen).withReplicas(n)
                                    .withUpdatedReplicas(n).withReadyReplicas(n).withAvailableReplicas(n).build());
                            client.apps().deployments().inNamespace("models").resource(d).updateStatus();
                        }
                    }
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // a conflict with the deploy's own write: read again next round
                }
            }
        });
    }

    private static void modelImage(ImageStore store, String name, String version) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (version != null) {
            labels.put(ModelLabels.NAME, "iris");
            labels.put(ModelLabels.VERSION, version);
            labels.put(ModelLabels.PORT, "9000");
            labels.put(ModelLabels.MEMORY, Long.toString(256L << 20));
            labels.put(ModelLabels.CPUS, "1");
        }
        try (Lease lease = store.lease()) {
            WrittenLayer layer;
            try (BlobWriter writer = lease.writer()) {
                WrittenLayer w = LayerWriter.writeEntries(List.of(LayerEntry.file("model.txt",
                        name.getBytes(StandardCharsets.UTF_8), 0644)), writer, LayerOptions.defaults().withMtime(1704067200L));
                Descriptor blob = writer.commit(w.blob().mediaType(), w.blob().digest(), w.blob().size());
                layer = new WrittenLayer(blob, w.diffId(), w.uncompressedSize());
            }
            ContainerConfig run = new ContainerConfig(null, null, null, List.of("/server"), null, null, null, labels, null,
                    null, null, null, null);
            ImageConfig config = new ImageConfig("2024-01-01T00:00:00Z", null, Platform.host().architecture(), "linux",
                    null, null, null, run, null, List.of());
            store.tag(Reference.parse(name), ImageAssembler.assemble(lease, config, List.of(layer), Map.of()));
        }
    }

    private static List<HasMetadata> parseAll(String yaml) {
        Object parsed = Serialization.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        @SuppressWarnings("unchecked")
        List<HasMetadata> list = parsed instanceof List<?> l ? (List<HasMetadata>) l : List.of((HasMetadata) parsed);
        return list;
    }

    private Deployment live() {
        return client.apps().deployments().inNamespace("models").withName("iris").get();
    }

    @Test
    void manifestsPrintsTheDeploymentServiceAndAutoscalerAsYaml() throws Exception {
        Run run = berth("kube", "manifests", "localhost:5001/iris:1", "--min", "2", "--max", "5", "--cpu-target", "60",
                "--memory", "1g", "-n", "models", "--image-registry-name", "registry.example.com/ml/iris");
        assertThat(run.exit()).as(run.err()).isZero();
        List<HasMetadata> objects = parseAll(run.out());
        assertThat(objects).extracting(HasMetadata::getKind).containsExactly("Deployment", "Service", "HorizontalPodAutoscaler");
        Deployment d = (Deployment) objects.get(0);
        assertThat(d.getMetadata().getNamespace()).isEqualTo("models");
        var c = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(c.getImage()).isEqualTo("registry.example.com/ml/iris:1");
        assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("1Gi");
        assertThat(c.getResources().getLimits().get("cpu").toString()).isEqualTo("1");
        assertThat(((Service) objects.get(1)).getSpec().getPorts().getFirst().getTargetPort().getStrVal()).isEqualTo("http");
        assertThat(((HorizontalPodAutoscaler) objects.get(2)).getSpec().getMetrics().getFirst().getResource().getTarget()
                .getAverageUtilization()).isEqualTo(60);

        Path out = Files.createDirectory(dir.resolve("k8s"));
        Run toDir = berth("kube", "manifests", "localhost:5001/iris:1", "--replicas", "3", "-o", out.toString());
        assertThat(toDir.exit()).as(toDir.err()).isZero();
        assertThat(toDir.out()).isEqualTo("wrote " + out.resolve("iris-deployment.yaml") + "\nwrote " + out.resolve("iris-service.yaml") + "\n");
        assertThat(((Deployment) parseAll(Files.readString(out.resolve("iris-deployment.yaml"))).getFirst()).getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void badInputIsOneLineAndExit125() {
        assertError(berth("kube", "manifests", "localhost:5001/iris:9"), "Error: no image localhost:5001/iris:9 in Berth's store at ");
        assertError(berth("kube", "manifests", "plain:1"), "Error: plain:1 is not a packaged model: its image has no dev.berth.model.name label");
        assertError(berth("kube", "manifests", "localhost:5001/iris:1", "--min", "2"), "Error: autoscaling needs both --min and --max");
        assertError(berth("kube", "manifests", "localhost:5001/iris:1", "--replicas", "2", "--min", "1", "--max", "3"),
                "Error: give either --replicas or --min/--max (autoscaling), not both");
        assertError(berth("kube", "manifests", "localhost:5001/iris:1", "--memory", "lots"), "Error: --memory 'lots' is not a memory size");
        assertError(berth("kube", "deploy", "localhost:5001/iris:1", "--kubeconfig", dir.resolve("none").toString()),
                "Error: kubeconfig " + dir.resolve("none") + " does not exist");
        assertError(berth("kube", "deploy", "localhost:5001/iris:1", "--kubeconfig", kubeconfig.toString(), "--context", "prod"),
                "Error: the kubeconfig has no context 'prod' (it has mock)");
        assertError(berth("kube", "deploy", "localhost:5001/iris:1", "--kubeconfig", kubeconfig.toString(), "--timeout", "soon"),
                "Error: --timeout 'soon' is not a duration");
        assertError(berth("kube", "rollback", "iris", "--kubeconfig", kubeconfig.toString()),
                "Error: no deployment iris in namespace models at ");
    }

    @Test
    void anUnreachableClusterIsNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path gone = dir.resolve("gone");
        Files.writeString(gone, Files.readString(kubeconfig).replace(client.getMasterUrl().toString(), "https://127.0.0.1:" + port));
        Run run = berth("kube", "status", "iris", "--kubeconfig", gone.toString());
        assertError(run, "Error: cannot reach the Kubernetes API server at https://127.0.0.1:" + port + " (context mock)");
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static void assertError(Run run, String start) {
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(125);
        assertThat(run.err()).startsWith(start);
        assertThat(run.err().strip().lines().count()).as(run.err()).isEqualTo(1);
    }

    @Test
    void deployRollbackAndStatusAgainstTheMockCluster() {
        startController();
        String kc = kubeconfig.toString();
        Run v1 = berth("kube", "deploy", "localhost:5001/iris:1", "--replicas", "2", "--kubeconfig", kc, "--poll", "20ms");
        assertThat(v1.exit()).as(v1.err()).isZero();
        assertThat(v1.out()).contains("applied revision 1 (model version 1, localhost:5001/iris:1): deployment/iris, service/iris in namespace models")
                .endsWith("deployment iris rolled out revision 1: model version 1\n");

        Run v2 = berth("kube", "deploy", "localhost:5001/iris:2", "--replicas", "2", "--kubeconfig", kc, "--poll", "20ms");
        assertThat(v2.exit()).as(v2.err()).isZero();
        assertThat(live().getSpec().getTemplate().getSpec().getContainers().getFirst().getImage()).isEqualTo("localhost:5001/iris:2");

        Run status = berth("kube", "status", "iris", "--kubeconfig", kc);
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).contains("model:      iris version 2", "replicas:   2 desired, 2 updated, 2 ready, 2 available",
                "rollout:    complete: ", "revisions (from Berth's history, ConfigMap berth-iris-history):");
        assertThat(status.out().lines().filter(l -> l.startsWith("2 (running)")).findFirst().orElseThrow())
                .contains("localhost:5001/iris:2").contains("deploy");

        Run back = berth("kube", "rollback", "iris", "--kubeconfig", kc, "--poll", "20ms");
        assertThat(back.exit()).as(back.err()).isZero();
        assertThat(back.out()).startsWith("rolling back to revision 1 (model version 1)\n")
                .endsWith("deployment iris rolled out revision 3: model version 1\n");
        assertThat(live().getSpec().getTemplate().getSpec().getContainers().getFirst().getImage()).isEqualTo("localhost:5001/iris:1");
    }

    @Test
    void aRolloutThatOutlastsTheTimeoutExits125() {
        // no controller: nothing ever rolls out
        Run run = berth("kube", "deploy", "localhost:5001/iris:1", "--kubeconfig", kubeconfig.toString(), "--timeout", "300ms",
                "--poll", "20ms");
        assertError(run, "Error: the rollout of deployment iris in namespace models did not finish within 0.3s");
        assertThat(run.out()).contains("waiting for the Deployment controller to see the new spec");
    }
}
