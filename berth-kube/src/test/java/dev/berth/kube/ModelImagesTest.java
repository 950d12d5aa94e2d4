package dev.berth.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.kube.manifest.ModelImage;
import dev.berth.kube.manifest.ModelImages;
import dev.berth.kube.manifest.Resources;
import dev.berth.model.ModelLabels;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.store.ImageStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelImagesTest {
    @TempDir
    Path root;
    ImageStore store;

    @BeforeEach
    void open() {
        store = ImageStore.open(root);
    }

    @Test
    void readsTheModelLabels() {
        Descriptor d = ModelImageFixture.image(store, "iris:3", ModelImageFixture.labels("iris", "3"));
        ModelImage image = ModelImages.read(store, "iris:3", null, false);
        assertThat(image).isEqualTo(new ModelImage("iris", "3", "ab".repeat(32), 9000, new Resources(512L << 20, 1500L),
                "docker.io/library/iris:3", d.digest().toString()));
        // by ID, the image's own name
        assertThat(ModelImages.read(store, d.digest().encoded().substring(0, 12), null, false).reference())
                .isEqualTo("docker.io/library/iris:3");
        // by digest
        assertThat(ModelImages.read(store, "iris@" + d.digest(), null, false).reference()).isEqualTo("docker.io/library/iris@" + d.digest());
    }

    @Test
    void theRegistryNameTakesTheImageTagUnlessItHasOne() {
        ModelImageFixture.image(store, "iris:3", ModelImageFixture.labels("iris", "3"));
        assertThat(ModelImages.read(store, "iris:3", "registry.example.com:5000/ml/iris", false).reference())
                .isEqualTo("registry.example.com:5000/ml/iris:3");
        assertThat(ModelImages.read(store, "iris:3", "registry.example.com/ml/iris:prod", false).reference())
                .isEqualTo("registry.example.com/ml/iris:prod");
        assertThatThrownBy(() -> ModelImages.read(store, "iris:3", "Not A Ref", false)).isInstanceOf(KubeException.class)
                .hasMessageStartingWith("--image-registry-name 'Not A Ref' is not an image reference");
    }

    @Test
    void imagesThatAreNotPackagedModelsAreRefused() {
        assertThatThrownBy(() -> ModelImages.read(store, "iris:9", null, false)).isInstanceOf(KubeException.class)
                .hasMessageStartingWith("no image iris:9 in Berth's store at " + root);
        ModelImageFixture.image(store, "plain:1", Map.of("maintainer", "someone"));
        assertThatThrownBy(() -> ModelImages.read(store, "plain:1", null, false)).isInstanceOf(KubeException.class)
                .hasMessage("plain:1 is not a packaged model: its image has no dev.berth.model.name label"
                        + " (package models with `berth model package`)");
        Map<String, String> badPort = ModelImageFixture.labels("iris", "1");
        badPort.put(ModelLabels.PORT, "http");
        ModelImageFixture.image(store, "badport:1", badPort);
        assertThatThrownBy(() -> ModelImages.read(store, "badport:1", null, false))
                .hasMessage("badport:1's label dev.berth.model.port is 'http', not a port number");
        Map<String, String> badVersion = ModelImageFixture.labels("iris", "1+build.7");
        ModelImageFixture.image(store, "badversion:1", badVersion);
        assertThatThrownBy(() -> ModelImages.read(store, "badversion:1", null, false))
                .hasMessageStartingWith("model version '1+build.7' cannot be a Kubernetes label value");
        assertThatThrownBy(() -> ModelImages.read(store, "UPPER:case", null, false))
                .hasMessageStartingWith("'UPPER:case' is not an image reference");
    }
}
