package dev.berth.cli;

import dev.berth.cli.InProcessBerth.Run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.image.Descriptor;
import dev.berth.oci.store.ImageStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code berth save} and {@code berth load} as a user runs them: files, stdin/stdout, messages, exit codes. */
class SaveLoadCommandTest {
    @TempDir
    Path tmp;

    Path source;
    Descriptor image;

    @BeforeEach
    void setUp() {
        source = tmp.resolve("source");
        image = TestImages.small(ImageStore.open(source), "example:1");
    }


    private static Run berth(Path root, String... args) {
        return InProcessBerth.run(root, args);
    }

    @Test
    void saveToFileAndLoadInBothFormats() {
        for (String format : new String[] {"oci", "docker"}) {
            Path archive = tmp.resolve("example-" + format + ".tar");
            Run save = berth(source, "save", "-o", archive.toString(), "--format", format, "example:1");
            assertThat(save.exit()).as(save.err()).isZero();
            assertThat(save.out()).isEmpty();
            assertThat(archive).isRegularFile();
            try (var siblings = Files.list(tmp)) {
                assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Path target = tmp.resolve("target-" + format);
            Run load = berth(target, "load", "-i", archive.toString());
            assertThat(load.exit()).as(load.err()).isZero();
            assertThat(load.out()).isEqualTo("Loaded image: example:1\n");
            assertThat(ImageStore.open(target).resolve("example:1").id())
                    .isEqualTo(ImageStore.open(source).resolve("example:1").id());
        }
    }

    @Test
    void saveByIdLoadsAsAnId() {
        String id = ImageStore.open(source).resolve("example:1").id().toString();
        Path archive = tmp.resolve("by-id.tar");
        assertThat(berth(source, "save", "-o", archive.toString(), id.substring(7, 19)).exit()).isZero();
        Run load = berth(tmp.resolve("target"), "load", "--input", archive.toString());
        assertThat(load.out()).isEqualTo("Loaded image ID: " + id + "\n");
    }

    @Test
    void saveToStdoutAndLoadFromStdin() throws Exception {
        Path archive = tmp.resolve("stdout.tar");
        int save = CliProcess.run(CliProcess.builder(source, "save", "--format", "oci", "example:1")
                .redirectOutput(archive.toFile()).redirectError(tmp.resolve("save.err").toFile()));
        assertThat(save).as(Files.readString(tmp.resolve("save.err"))).isZero();
        Path viaFile = tmp.resolve("file.tar");
        assertThat(berth(source, "save", "--format", "oci", "-o", viaFile.toString(), "example:1").exit()).isZero();
        assertThat(Files.readAllBytes(archive)).isEqualTo(Files.readAllBytes(viaFile));

        Path target = tmp.resolve("target");
        Path out = tmp.resolve("load.out");
        int load = CliProcess.run(CliProcess.builder(target, "load", "-i", "-")
                .redirectInput(archive.toFile()).redirectOutput(out.toFile()).redirectError(tmp.resolve("load.err").toFile()));
        assertThat(load).as(Files.readString(tmp.resolve("load.err"))).isZero();
        assertThat(Files.readString(out)).isEqualTo("Loaded image: example:1\n");
    }

    @Test
    void errorsAreOneLineAndExitOne() throws IOException {
        Run missingImage = berth(source, "save", "-o", tmp.resolve("x.tar").toString(), "nope:1");
        assertThat(missingImage.exit()).isEqualTo(1);
        assertThat(missingImage.err()).isEqualTo("Error: No such image: nope:1\n");
        assertThat(tmp.resolve("x.tar")).doesNotExist();

        Run badFormat = berth(source, "save", "-o", tmp.resolve("x.tar").toString(), "--format", "zip", "example:1");
        assertThat(badFormat.exit()).isEqualTo(1);
        assertThat(badFormat.err()).contains("unknown archive format 'zip'");

        Run missingFile = berth(source, "load", "-i", tmp.resolve("absent.tar").toString());
        assertThat(missingFile.exit()).isEqualTo(1);
        assertThat(missingFile.err()).startsWith("Error: open ").contains("no such file");

        Path junk = tmp.resolve("junk.tar");
        Files.writeString(junk, "not an archive at all\n".repeat(100), StandardCharsets.UTF_8);
        Path target = tmp.resolve("target");
        Run notATar = berth(target, "load", "-i", junk.toString());
        assertThat(notATar.exit()).isEqualTo(1);
        assertThat(notATar.err()).startsWith("Error: not an image archive");
        assertThat(ImageStore.open(target).images()).isEmpty();
    }
}
