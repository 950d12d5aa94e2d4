package dev.berth.tiny.container;

import dev.berth.oci.image.Descriptor;
import dev.berth.oci.store.ImageStore;
import dev.berth.tiny.TinyException;
import dev.berth.tiny.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TinyBuilderTest {
    @TempDir
    Path root;

    private ImageStore store() {
        return ImageStore.open(root.resolve("store"));
    }

    private Path example(String name) {
        return SharedData.require("rune/examples/" + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sine", "gesture", "microspeech", "person_detection", "noop"})
    void everyRuneExampleBuildsIntoTheStore(String name) {
        Path dir = example(name);
        ImageStore store = store();
        BuildResult result = new TinyBuilder(store).build(dir.resolve("Runefile.yml"), dir, "tiny/" + name + ":1.0", null);

        var image = store.resolve("tiny/" + name + ":1.0");
        assertThat(image.manifestDescriptor().digest()).isEqualTo(result.manifest().digest());
        assertThat(image.manifest().artifactType()).isEqualTo(TinyMediaTypes.CONFIG);
        assertThat(image.manifest().config().mediaType()).isEqualTo(TinyMediaTypes.CONFIG);
        assertThat(image.manifest().layers()).first().extracting(Descriptor::mediaType).isEqualTo(TinyMediaTypes.BUILD_FILE);
        long models = image.manifest().layers().stream().filter(l -> l.mediaType().equals(TinyMediaTypes.MODEL)).count();
        assertThat(models).isEqualTo(name.equals("noop") ? 0 : 1);

        TinyContainer loaded = TinyContainer.load(store, "tiny/" + name + ":1.0");
        assertThat(loaded.pipeline().pipeline().stages()).hasSameSizeAs(result.pipeline().pipeline().stages());
        assertThat(loaded.flashBytes()).isEqualTo(result.estimate().flashBytes());
        // flash covers every blob of the artifact, exactly
        long blobs = result.manifest().size() + image.manifest().config().size()
                + image.manifest().layers().stream().mapToLong(Descriptor::size).sum();
        assertThat(result.estimate().flashBytes()).isEqualTo(blobs);
    }

    @Test
    void theSameInputsGiveTheSameDigest() {
        Path dir = example("sine");
        ImageStore store = store();
        Descriptor first = new TinyBuilder(store).build(dir.resolve("Runefile.yml"), dir, "sine:1", null).manifest();
        Descriptor second = new TinyBuilder(store).build(dir.resolve("Runefile.yml"), dir, "sine:2", null).manifest();
        assertThat(second.digest()).isEqualTo(first.digest());
    }

    @Test
    void theMicroSpeechPipelineRecordsItsArenaAndFitsTheNano33() {
        Path dir = example("microspeech");
        DeviceProfile nano = DeviceCatalog.builtIn().get("nrf52840");
        BuildResult result = new TinyBuilder(store()).build(dir.resolve("Runefile.yml"), dir, "speech:1", nano);
        assertThat(result.pipeline().arenaBytes().get("model")).isBetween(4_000, 64_000);
        assertThat(result.estimate().ramBytes()).isLessThan(nano.ramBytes());
        assertThat(result.estimate().flashBytes()).isGreaterThan(Files.exists(dir.resolve("model.tflite")) ? 18_000 : 0);
    }

    @Test
    void aContainerOverTheDeviceBudgetIsRefusedWithTheNumbersAndNotTagged() throws IOException {
        Path dir = example("person_detection");
        Path devices = root.resolve("devices.yml");
        Files.writeString(devices, """
                devices:
                  coin-cell-sensor:
                    flash: 128KiB
                    ram: 32KiB
                    description: a tiny test board
                """);
        DeviceProfile small = DeviceCatalog.withUserFile(devices).get("coin-cell-sensor");
        ImageStore store = store();
        assertThatThrownBy(() -> new TinyBuilder(store).build(dir.resolve("Runefile.yml"), dir, "person:1", small))
                .isInstanceOf(TinyException.class)
                .hasMessageContaining("does not fit device coin-cell-sensor")
                .hasMessageMatching("(?s).*needs [0-9.]+ KiB of flash, the device has 128.0 KiB.*")
                .hasMessageContaining("of RAM (model arenas")
                .hasMessageContaining("the device has 32.0 KiB");
        assertThat(store.find("person:1")).isEmpty();
        // the same container fits the STM32 Nucleo
        new TinyBuilder(store).build(dir.resolve("Runefile.yml"), dir, "person:1", DeviceCatalog.builtIn().get("stm32-nucleo-l4r5zi"));
        assertThat(store.find("person:1")).isPresent();
    }

    @Test
    void theCatalogueHasTheBoardsAndRejectsUnknownNames() {
        DeviceCatalog catalog = DeviceCatalog.builtIn();
        assertThat(catalog.get("nrf52840").ramBytes()).isEqualTo(256 * 1024);
        assertThat(catalog.get("STM32-Nucleo-L4R5ZI").flashBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(catalog.all()).extracting(DeviceProfile::name).contains("esp32-s3", "rp2040-pico");
        assertThatThrownBy(() -> catalog.get("arduino-uno")).hasMessageContaining("unknown device profile 'arduino-uno'")
                .hasMessageContaining("nrf52840");
    }

    @Test
    void aBadDeviceFileIsNamed() throws IOException {
        Path devices = root.resolve("devices.yml");
        Files.writeString(devices, "devices:\n  b:\n    flash: lots\n    ram: 1K\n");
        assertThatThrownBy(() -> DeviceCatalog.withUserFile(devices))
                .hasMessageContaining("device profile 'b'").hasMessageContaining("'lots' is not a size");
    }
}
