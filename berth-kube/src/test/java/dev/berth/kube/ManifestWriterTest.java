package dev.berth.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.kube.manifest.Autoscaling;
import dev.berth.kube.manifest.ManifestOptions;
import dev.berth.kube.manifest.ManifestSet;
import dev.berth.kube.manifest.ManifestWriter;
import dev.berth.kube.manifest.Manifests;
import dev.berth.kube.manifest.ModelImages;
import dev.berth.oci.store.ImageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestWriterTest {
    @TempDir
    Path root;

    private ManifestSet set(ManifestOptions options) {
        ImageStore store = ImageStore.open(root.resolve("store"));
        ModelImageFixture.image(store, "iris:1", ModelImageFixture.labels("iris", "1"));
        return Manifests.build(ModelImages.read(store, "iris:1", null, false), options);
    }

    @Test
    void aFileGetsOneStreamADirectoryAFilePerObject() throws Exception {
        ManifestSet autoscaled = set(ManifestOptions.defaults().withAutoscaling(new Autoscaling(1, 4, 70)));
        Path file = root.resolve("iris.yaml");
        assertThat(ManifestWriter.write(autoscaled, file)).containsExactly(file);
        assertThat(Files.readString(file)).isEqualTo(autoscaled.yaml());

        Path dir = Files.createDirectory(root.resolve("k8s"));
        assertThat(ManifestWriter.write(autoscaled, dir)).containsExactly(dir.resolve("iris-deployment.yaml"),
                dir.resolve("iris-service.yaml"), dir.resolve("iris-hpa.yaml"));
        assertThat(Files.readString(dir.resolve("iris-hpa.yaml"))).isEqualTo(ManifestSet.yaml(autoscaled.autoscaler()));

        // without autoscaling the old autoscaler file goes, so `kubectl apply -f k8s/` does not bring it back
        ManifestWriter.write(set(ManifestOptions.defaults().withReplicas(2)), dir);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("iris-deployment.yaml", "iris-service.yaml");
        }
        assertThatThrownBy(() -> ManifestWriter.write(autoscaled, root.resolve("no/such/dir/x.yaml")))
                .isInstanceOf(KubeException.class).hasMessageContaining("does not exist");
    }
}
