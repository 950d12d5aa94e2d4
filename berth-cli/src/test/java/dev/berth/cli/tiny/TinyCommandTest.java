package dev.berth.cli.tiny;

import dev.berth.cli.BerthCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code berth tiny build/run/devices} end to end, in this JVM against a temporary root. */
class TinyCommandTest {
    @TempDir
    Path root;

    record Run(int exit, String out, String err) {
    }

    private Run berth(String... args) {
        List<String> full = new ArrayList<>(List.of("--root", root.resolve("berth").toString()));
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

    private static Path shared(String relative) {
        Path file = Path.of("").toAbsolutePath().getParent().resolve("../shared/tinyml").normalize().resolve(relative);
        assumeTrue(Files.exists(file), "shared TinyML data absent (" + file + "): the CLI check is NOT run");
        return file;
    }

    @Test
    void buildsAndRunsTheMicroSpeechPipeline() {
        Path dir = shared("rune/examples/microspeech");
        Run build = berth("tiny", "build", "-t", "speech:1.0", "--device", "nrf52840", dir.toString());
        assertThat(build.exit()).as(build.err()).isZero();
        assertThat(build.out()).startsWith("Built docker.io/library/speech:1.0 sha256:").contains("fits nrf52840");

        Run run = berth("tiny", "run", "speech:1.0", "--input", "audio=" + dir.resolve("data/up/84d1e469_nohash_0.wav"));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("serial (SERIAL): UTF8[1] [up]\n");

        Run images = berth("images");
        assertThat(images.out()).contains("speech").contains("1.0");
    }

    @Test
    void errorsAreOneLineForTheUser() throws IOException {
        Path dir = shared("rune/examples/person_detection");
        Run tooBig = berth("tiny", "build", "-t", "person:1", "--device", "rp2040-pico", "-f", dir.resolve("Runefile.yml").toString(), dir.toString());
        if (tooBig.exit() == 0) {
            // it fits the Pico: then a user profile that is surely too small must refuse it
            Files.writeString(root.resolve("devices.yml"), "devices:\n  speck:\n    flash: 64KiB\n    ram: 16KiB\n");
            tooBig = berth("tiny", "build", "-t", "person:2", "--devices", root.resolve("devices.yml").toString(), "--device", "speck", dir.toString());
        }
        assertThat(tooBig.exit()).isEqualTo(1);
        assertThat(tooBig.err()).startsWith("Error: the container does not fit device").contains("of RAM").doesNotContain("Exception");
        assertThat(tooBig.err().lines().count()).isEqualTo(1);

        Run undeclared = berth("tiny", "run", "nothing:1");
        assertThat(undeclared.exit()).isEqualTo(1);
        assertThat(undeclared.err()).contains("nothing:1");
    }

    @Test
    void refusesACapabilityTheContainerDoesNotDeclare() {
        Path dir = shared("rune/examples/sine");
        assertThat(berth("tiny", "build", "-t", "sine:1", dir.toString()).exit()).isZero();
        Run run = berth("tiny", "run", "sine:1", "--input", "IMAGE=" + dir.resolve("sinemodel.tflite"));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("Error: the container does not declare capability 'IMAGE', so it cannot read it; it declares: rand (RAW)\n");
    }

    @Test
    void listsTheDeviceProfiles() {
        Run devices = berth("tiny", "devices");
        assertThat(devices.exit()).isZero();
        assertThat(devices.out()).contains("nrf52840").contains("256.0 KiB").contains("stm32-nucleo-l4r5zi").contains("640.0 KiB");
    }

    @Test
    void rollsOutToAFleetAndABadVersionIsRolledBack() throws IOException {
        Path sine = shared("rune/examples/sine");
        Path speech = shared("rune/examples/microspeech");
        assertThat(berth("tiny", "build", "-t", "sine:1", sine.toString()).exit()).isZero();
        assertThat(berth("tiny", "build", "-t", "speech:2", speech.toString()).exit()).isZero();
        Path sample = root.resolve("angle.raw");
        Files.write(sample, new byte[] {0, 0, (byte) 0x80, 0x3f}); // 1.0f
        Run create = berth("tiny", "fleet", "create", "lab", "--size", "3", "--device", "nrf52840", "--health-input", "RAW=" + sample);
        assertThat(create.exit()).as(create.err()).isZero();
        assertThat(create.out()).isEqualTo("Created fleet lab with 3 nrf52840 devices\n");

        Run good = berth("tiny", "rollout", "sine:1", "--fleet", "lab");
        assertThat(good.exit()).as(good.out() + good.err()).isZero();
        assertThat(good.out().lines().filter(l -> l.contains(" updated ")).count()).isEqualTo(3);

        // the speech pipeline needs a SOUND sample the fleet's health check does not have: it fails on the canary
        Run bad = berth("tiny", "rollout", "speech:2", "--fleet", "lab", "--canary", "30%");
        assertThat(bad.exit()).isEqualTo(1);
        List<String> rows = bad.out().lines().skip(1).toList();
        assertThat(rows).hasSize(3);
        assertThat(rows.getFirst()).contains("rolled-back").contains("no sample input for capability 'audio'");
        assertThat(rows.subList(1, 3)).allSatisfy(r -> assertThat(r).contains("skipped: the canary devices failed"));
        assertThat(rows).allSatisfy(r -> assertThat(r).contains(" sine:1 ").contains("healthy"));

        Run status = berth("tiny", "fleet", "status", "lab");
        assertThat(status.exit()).isZero();
        assertThat(status.out().lines().skip(1)).hasSize(3).allSatisfy(r -> assertThat(r).contains(" A ").contains("sine:1").contains("healthy"));

        Run rollback = berth("tiny", "rollback", "--fleet", "lab");
        assertThat(rollback.exit()).isZero();
        // the canary's slot B holds the failed speech:2, the others' slot B nothing: every device stays on sine:1
        assertThat(rollback.out().lines().skip(1)).allSatisfy(r -> assertThat(r).contains("sine:1").contains("unchanged"));
    }

    @Test
    void aFleetWithATrustedKeyRefusesUnsignedContainersAndTakesSignedOnes() throws IOException {
        Path sine = shared("rune/examples/sine");
        assertThat(berth("tiny", "build", "-t", "sine:1", sine.toString()).exit()).isZero();
        Run keygen = berth("tiny", "keygen", root.resolve("release").toString());
        assertThat(keygen.exit()).as(keygen.err()).isZero();
        Path sample = root.resolve("angle.raw");
        Files.write(sample, new byte[] {0, 0, (byte) 0x80, 0x3f});
        assertThat(berth("tiny", "fleet", "create", "prod", "--size", "2", "--device", "stm32-nucleo-l4r5zi",
                "--health-input", "rand=" + sample, "--trust-key", root.resolve("release.pub.pem").toString()).exit()).isZero();

        Run unsigned = berth("tiny", "rollout", "sine:1", "--fleet", "prod");
        assertThat(unsigned.exit()).isEqualTo(1);
        assertThat(unsigned.out().lines().skip(1)).hasSize(2).allSatisfy(r -> assertThat(r).contains("rejected").contains("it is not signed"));

        Run sign = berth("tiny", "sign", "sine:1", "--key", root.resolve("release.pem").toString());
        assertThat(sign.exit()).as(sign.err()).isZero();
        assertThat(sign.out()).startsWith("Signed sine:1: docker.io/library/sine:sha256-").endsWith(".sig\n");
        Run signed = berth("tiny", "rollout", "sine:1", "--fleet", "prod");
        assertThat(signed.exit()).as(signed.out()).isZero();
        assertThat(signed.out().lines().skip(1)).allSatisfy(r -> assertThat(r).contains("updated"));
    }
}
