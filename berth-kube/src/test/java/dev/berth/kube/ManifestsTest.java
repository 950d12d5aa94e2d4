package dev.berth.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.kube.manifest.Autoscaling;
import dev.berth.kube.manifest.ManifestOptions;
import dev.berth.kube.manifest.ManifestSet;
import dev.berth.kube.manifest.Manifests;
import dev.berth.kube.manifest.ModelImage;
import dev.berth.kube.manifest.ModelImages;
import dev.berth.kube.manifest.Resources;
import dev.berth.model.ModelLabels;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.store.ImageStore;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifests, written as YAML and read back strictly into the Kubernetes API types: every field checked, and no
 * field the API lacks.
 */
class ManifestsTest {
    @TempDir
    Path root;
    ImageStore store;
    Descriptor v1;

    @BeforeEach
    void image() {
        store = ImageStore.open(root);
        v1 = ModelImageFixture.image(store, "localhost:5001/ml/iris:1", ModelImageFixture.labels("iris", "1"));
    }

    /** The YAML stream split into its documents, each parsed strictly into its API type. */
    record Parsed(Deployment deployment, Service service, HorizontalPodAutoscaler hpa, List<String> kinds) {
    }

    static Parsed parse(String yaml) {
        List<String> docs = Arrays.stream(yaml.split("(?m)^---\\s*$")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        Deployment d = null;
        Service s = null;
        HorizontalPodAutoscaler h = null;
        List<String> kinds = new java.util.ArrayList<>();
        for (String doc : docs) {
            String kind = doc.lines().filter(l -> l.startsWith("kind:")).findFirst().orElseThrow().substring(5).strip().replace("\"", "");
            kinds.add(kind);
            switch (kind) {
                case "Deployment" -> d = StrictKube.parse(doc, Deployment.class);
                case "Service" -> s = StrictKube.parse(doc, Service.class);
                case "HorizontalPodAutoscaler" -> h = StrictKube.parse(doc, HorizontalPodAutoscaler.class);
                default -> throw new AssertionError("unexpected kind " + kind);
            }
        }
        return new Parsed(d, s, h, kinds);
    }

    @Test
    void fixedReplicasDeploymentAndServiceCarryEverythingTheModelNeeds() {
        ModelImage image = ModelImages.read(store, "localhost:5001/ml/iris:1", null, false);
        String yaml = Manifests.build(image, ManifestOptions.defaults().withReplicas(3).withNamespace("models")).yaml();
        Parsed p = parse(yaml);
        assertThat(p.kinds()).containsExactly("Deployment", "Service");
        assertThat(p.hpa()).isNull();

        Deployment d = p.deployment();
        assertThat(d.getApiVersion()).isEqualTo("apps/v1");
        assertThat(d.getMetadata().getName()).isEqualTo("iris");
        assertThat(d.getMetadata().getNamespace()).isEqualTo("models");
        assertThat(d.getMetadata().getLabels()).containsEntry("app", "iris").containsEntry(ModelLabels.NAME, "iris")
                .containsEntry(ModelLabels.VERSION, "1").containsEntry("app.kubernetes.io/managed-by", "berth")
                .containsEntry("app.kubernetes.io/version", "1");
        assertThat(d.getMetadata().getAnnotations()).containsEntry(ModelLabels.SHA256, "ab".repeat(32))
                .containsEntry(ModelLabels.VERSION, "1").containsEntry("dev.berth.image.digest", v1.digest().toString())
                .containsEntry("kubernetes.io/change-cause", "model iris version 1 (localhost:5001/ml/iris:1)");
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        assertThat(d.getSpec().getRevisionHistoryLimit()).isEqualTo(10);
        assertThat(d.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isEqualTo(1);
        // the selector selects the template's pods, and only by the label every version shares
        Map<String, String> selector = d.getSpec().getSelector().getMatchLabels();
        assertThat(selector).isEqualTo(Map.of("app", "iris"));
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(selector)
                .containsEntry(ModelLabels.VERSION, "1");
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry(ModelLabels.SHA256, "ab".repeat(32));

        var pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getContainers()).hasSize(1);
        Container c = pod.getContainers().getFirst();
        assertThat(c.getName()).isEqualTo("model");
        assertThat(c.getImage()).isEqualTo("localhost:5001/ml/iris:1");
        assertThat(c.getImagePullPolicy()).isEqualTo("IfNotPresent");
        ContainerPort port = c.getPorts().getFirst();
        assertThat(port.getContainerPort()).isEqualTo(9000);
        assertThat(port.getName()).isEqualTo("http");
        assertThat(port.getProtocol()).isEqualTo("TCP");
        // resources from the image's labels: 512 MiB and 1.5 CPUs, requests equal to limits
        assertThat(c.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("512Mi"), "cpu", new Quantity("1500m")));
        assertThat(c.getResources().getRequests()).isEqualTo(c.getResources().getLimits());
        assertProbe(c.getLivenessProbe(), "/v2/health/live", 9000);
        assertProbe(c.getReadinessProbe(), "/v2/health/ready", 9000);
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");

        Service s = p.service();
        assertThat(s.getApiVersion()).isEqualTo("v1");
        assertThat(s.getMetadata().getName()).isEqualTo("iris");
        assertThat(s.getMetadata().getNamespace()).isEqualTo("models");
        assertThat(s.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(s.getSpec().getSelector()).isEqualTo(selector);
        assertThat(s.getSpec().getPorts()).hasSize(1);
        ServicePort sp = s.getSpec().getPorts().getFirst();
        assertThat(sp.getName()).isEqualTo("http");
        assertThat(sp.getPort()).isEqualTo(80);
        // the target port names the container's port, which is the model's port
        ContainerPort target = c.getPorts().stream().filter(cp -> cp.getName().equals(sp.getTargetPort().getStrVal())).findFirst().orElseThrow();
        assertThat(target.getContainerPort()).isEqualTo(9000);
    }

    private static void assertProbe(Probe probe, String path, int port) {
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getIntVal()).isEqualTo(port);
        assertThat(probe.getHttpGet().getScheme()).isEqualTo("HTTP");
        assertThat(probe.getPeriodSeconds()).isPositive();
        assertThat(probe.getTimeoutSeconds()).isPositive();
        assertThat(probe.getFailureThreshold()).isEqualTo(3);
    }

    @Test
    void autoscaledModelGetsAnHpaOnItsDeploymentAndNoReplicaCount() {
        ModelImage image = ModelImages.read(store, "localhost:5001/ml/iris:1", null, false);
        ManifestSet set = Manifests.build(image, ManifestOptions.defaults().withAutoscaling(new Autoscaling(2, 8, 60)));
        Parsed p = parse(set.yaml());
        assertThat(p.kinds()).containsExactly("Deployment", "Service", "HorizontalPodAutoscaler");
        assertThat(p.deployment().getSpec().getReplicas()).as("the autoscaler owns the count").isNull();
        assertThat(p.deployment().getMetadata().getNamespace()).isNull();
        HorizontalPodAutoscaler h = p.hpa();
        assertThat(h.getApiVersion()).isEqualTo("autoscaling/v2");
        assertThat(h.getMetadata().getName()).isEqualTo("iris");
        assertThat(h.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
        assertThat(h.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(h.getSpec().getScaleTargetRef().getName()).isEqualTo(p.deployment().getMetadata().getName());
        assertThat(h.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(h.getSpec().getMaxReplicas()).isEqualTo(8);
        MetricSpec metric = h.getSpec().getMetrics().getFirst();
        assertThat(metric.getType()).isEqualTo("Resource");
        assertThat(metric.getResource().getName()).isEqualTo("cpu");
        assertThat(metric.getResource().getTarget().getType()).isEqualTo("Utilization");
        assertThat(metric.getResource().getTarget().getAverageUtilization()).isEqualTo(60);
        // the CPU request the utilization is measured against
        assertThat(p.deployment().getSpec().getTemplate().getSpec().getContainers().getFirst().getResources().getRequests())
                .containsKey("cpu");
        // and it reads back as the same set
        ManifestSet back = ManifestSet.parse(set.yaml());
        assertThat(back.yaml()).isEqualTo(set.yaml());
    }

    @Test
    void flagsOverrideTheImageResourcesAndNameTheObjects() {
        ModelImage image = ModelImages.read(store, "localhost:5001/ml/iris:1", "registry.example.com/team/iris", true);
        assertThat(image.reference()).isEqualTo("registry.example.com/team/iris:1@" + v1.digest());
        ManifestSet set = Manifests.build(image, ManifestOptions.defaults()
                .withResources(new Resources(2L * 1024 * 1024 * 1024, 2000L)).withName("iris-prod"));
        Deployment d = parse(set.yaml()).deployment();
        assertThat(d.getMetadata().getName()).isEqualTo("iris-prod");
        assertThat(d.getSpec().getReplicas()).isEqualTo(1);
        Container c = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(c.getImage()).isEqualTo("registry.example.com/team/iris:1@" + v1.digest());
        assertThat(c.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("2Gi"), "cpu", new Quantity("2")));
        assertThat(d.getMetadata().getLabels()).containsEntry(ModelLabels.NAME, "iris").containsEntry("app", "iris-prod");
    }

    @Test
    void anImageWithoutResourceLabelsGetsNoResourcesAndCannotAutoscale() {
        Map<String, String> labels = ModelImageFixture.labels("tiny", "0.1");
        labels.remove(ModelLabels.MEMORY);
        labels.remove(ModelLabels.CPUS);
        labels.remove(ModelLabels.PORT);
        ModelImageFixture.image(store, "tiny:0.1", labels);
        ModelImage image = ModelImages.read(store, "tiny:0.1", null, false);
        assertThat(image.port()).isEqualTo(ModelLabels.DEFAULT_PORT);
        assertThat(image.reference()).isEqualTo("docker.io/library/tiny:0.1");
        Deployment d = parse(Manifests.build(image, ManifestOptions.defaults()).yaml()).deployment();
        Container c = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(c.getResources()).isNull();
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(ModelLabels.DEFAULT_PORT);
        assertThatThrownBy(() -> Manifests.build(image, ManifestOptions.defaults().withAutoscaling(new Autoscaling(1, 3, 70))))
                .isInstanceOf(KubeException.class).hasMessageContaining("needs a CPU request").hasMessageContaining("--cpus");
    }

    @Test
    void theStrictReaderRejectsAMisspelledOrMistypedField() {
        ModelImage image = ModelImages.read(store, "localhost:5001/ml/iris:1", null, false);
        String yaml = Manifests.build(image, ManifestOptions.defaults()).deployment() == null ? "" :
                ManifestSet.yaml(Manifests.build(image, ManifestOptions.defaults()).deployment());
        assertThat(StrictKube.parse(yaml, Deployment.class)).isNotNull();
        String typo = yaml.replace("livenessProbe:", "livenesProbe:");
        assertThat(typo).isNotEqualTo(yaml);
        assertThatThrownBy(() -> StrictKube.parse(typo, Deployment.class)).hasMessageContaining("livenesProbe");
        String misplaced = yaml.replace("revisionHistoryLimit:", "revisionHistory:");
        assertThatThrownBy(() -> StrictKube.parse(misplaced, Deployment.class)).hasMessageContaining("revisionHistory");
    }

    @Test
    void badOptionsAreRefusedByName() {
        assertThatThrownBy(() -> new ManifestOptions(2, new Autoscaling(1, 2, 50), null, null, null, 10))
                .isInstanceOf(KubeException.class).hasMessageContaining("either --replicas or --min/--max");
        assertThatThrownBy(() -> new Autoscaling(3, 2, 50)).hasMessageContaining("--max (2) must be at least --min (3)");
        assertThatThrownBy(() -> new Autoscaling(0, 2, 50)).hasMessageContaining("--min must be at least 1");
        assertThatThrownBy(() -> new Autoscaling(1, 2, 150)).hasMessageContaining("--cpu-target");
        assertThatThrownBy(() -> ManifestOptions.defaults().withName("Iris_Prod")).hasMessageContaining("'Iris_Prod'");
        assertThatThrownBy(() -> ManifestOptions.defaults().withNamespace("Models")).hasMessageContaining("namespace 'Models'");
        ModelImageFixture.image(store, "under:1", ModelImageFixture.labels("my_model", "1"));
        ModelImage underscored = ModelImages.read(store, "under:1", null, false);
        assertThatThrownBy(() -> Manifests.build(underscored, ManifestOptions.defaults()))
                .isInstanceOf(KubeException.class).hasMessageContaining("model name 'my_model'").hasMessageContaining("--name");
        assertThat(Manifests.build(underscored, ManifestOptions.defaults().withName("my-model")).name()).isEqualTo("my-model");
    }
}
