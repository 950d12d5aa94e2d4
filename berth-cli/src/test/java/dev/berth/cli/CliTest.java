package dev.berth.cli;

import dev.berth.cli.InProcessBerth.Run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The berth command in-process: output, errors and Docker's exit codes. */
class CliTest {
    @TempDir
    Path root;

    @TempDir
    Path work;

    /** What one command printed and returned. */

    Run berth(String... args) {
        return InProcessBerth.run(root, args);
    }

    Path busyboxRootfsTar() throws Exception {
        Path busybox = Path.of("/usr/bin/busybox");
        assertThat(busybox).as("Debian package busybox-static must be installed").exists();
        Path rootfs = Files.createDirectories(work.resolve("rootfs/bin"));
        Files.copy(busybox, rootfs.resolve("busybox"));
        Files.createSymbolicLink(rootfs.resolve("sh"), Path.of("busybox"));
        Path tar = work.resolve("rootfs.tar");
        Process p = new ProcessBuilder("tar", "-C", work.resolve("rootfs").toString(), "-cf", tar.toString(), ".")
                .inheritIO().start();
        assertThat(p.waitFor()).isZero();
        return tar;
    }

    @Test
    void versionAndHelp() {
        assertThat(Main.run("--version")).isZero();
        Run help = berth("help", "images");
        assertThat(help.exit()).as(help.err()).isZero();
        assertThat(help.out()).contains("Usage: berth images").contains("--format");
        Run top = berth("--help");
        assertThat(top.out()).contains("images", "inspect", "history", "tag", "rmi", "import", "system", "completion");
        assertThat(top.out()).doesNotContain("internal-aot-training");
    }

    @Test
    void unknownFlagsAndCommandsExit125LikeDocker() {
        Run flag = berth("images", "--no-such-flag");
        assertThat(flag.exit()).isEqualTo(125);
        assertThat(flag.err()).contains("Unknown option: '--no-such-flag'").contains("See 'berth images --help'.");
        Run command = berth("no-such-command");
        assertThat(command.exit()).isEqualTo(125);
    }

    @Test
    void missingImageIsExit1WithDockersMessageAndNoStackTrace() {
        Run run = berth("inspect", "nothing:here");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("Error: No such image: nothing:here").doesNotContain("at dev.berth");
        Run bad = berth("tag", "nothing", "Upper:Case");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("must be lowercase");
    }

    @Test
    void importListInspectHistoryTagRmi() throws Exception {
        Path tar = busyboxRootfsTar();
        Run imported = berth("import", tar.toString(), "bb:1", "--change", "CMD [\"sh\"]", "--change", "ENV A=1",
                "-m", "from a test");
        assertThat(imported.exit()).as(imported.err()).isZero();
        String id = imported.out().strip();
        assertThat(id).matches("sha256:[a-f0-9]{64}");

        Run images = berth("images");
        assertThat(images.out().lines().toList()).hasSize(2);
        assertThat(images.out()).startsWith("REPOSITORY   TAG   IMAGE ID       CREATED").contains("bb           1     " + id.substring(7, 19));

        Run json = berth("images", "--format", "json");
        assertThat(json.out().lines()).singleElement().satisfies(line ->
                assertThat(line).contains("\"Repository\":\"bb\"", "\"Tag\":\"1\"", "\"ID\":\"" + id.substring(7, 19) + "\""));

        Run inspect = berth("inspect", "bb:1");
        assertThat(inspect.out()).contains("\"Id\" : \"" + id + "\"", "\"Cmd\" : [ \"sh\" ]", "\"A=1\"", "\"RepoTags\" : [ \"bb:1\" ]");

        Run history = berth("history", "bb:1");
        assertThat(history.out()).contains("from a test");

        assertThat(berth("tag", "bb:1", "localhost:5001/team/bb:2").exit()).isZero();
        assertThat(berth("images", "localhost:5001/team/bb").out()).contains("localhost:5001/team/bb").doesNotContain("bb           1");

        Run rmi = berth("rmi", "bb:1", "localhost:5001/team/bb:2");
        assertThat(rmi.out()).contains("Untagged: bb:1", "Untagged: localhost:5001/team/bb:2", "Deleted: " + id);
        assertThat(berth("images", "-q").out()).isEmpty();
        Run df = berth("system", "df", "--format", "json");
        assertThat(df.out()).contains("\"Blobs\" : 0");
        assertThat(berth("system", "check").exit()).isZero();
    }

    @Test
    void importRefusesWhatIsNotATarAndNamesNothing() throws Exception {
        Path notTar = Files.writeString(work.resolve("notes.txt"), "this is not a tar archive at all\n".repeat(40));
        Run run = berth("import", notTar.toString(), "junk:1");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("cannot import " + notTar).contains("not a valid tar archive");
        assertThat(berth("images", "-q").out()).isEmpty();
        assertThat(berth("import", work.resolve("missing.tar").toString()).err()).contains("no such file");
        assertThat(berth("import", notTar.toString(), "x:1", "--change", "RUN rm -rf /").err())
                .contains("RUN is not allowed here");
    }

    @Test
    void layerCreateIsReproducibleAndExtractsBack() throws Exception {
        Path tree = Files.createDirectories(work.resolve("tree/etc"));
        Files.writeString(tree.resolve("motd"), "reproducible\n");
        Path first = work.resolve("first.tar.gz");
        Path second = work.resolve("second.tar.gz");
        Run one = berth("layer", "create", work.resolve("tree").toString(), "-o", first.toString());
        assertThat(one.exit()).as(one.err()).isZero();
        assertThat(one.out()).contains("digest:    sha256:", "diffID:    sha256:");
        Files.setLastModifiedTime(tree.resolve("motd"), java.nio.file.attribute.FileTime.fromMillis(123_456_789L));
        assertThat(berth("layer", "create", work.resolve("tree").toString(), "-o", second.toString()).out()).isEqualTo(one.out());
        assertThat(second).hasSameBinaryContentAs(first);

        Path target = work.resolve("extracted");
        Run extract = berth("layer", "extract", first.toString(), target.toString());
        assertThat(extract.exit()).as(extract.err()).isZero();
        assertThat(target.resolve("etc/motd")).hasContent("reproducible");

        Run missing = berth("layer", "create", work.resolve("nope").toString(), "-o", work.resolve("x.tgz").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("not a directory");
        assertThat(work.resolve("x.tgz")).doesNotExist();
        Run notALayer = berth("layer", "extract", work.resolve("tree/etc/motd").toString(), work.resolve("t2").toString());
        assertThat(notALayer.exit()).isEqualTo(1);
        assertThat(notALayer.err()).startsWith("Error: ");
    }

    @Test
    void registryCommandsCheckTheirArguments() {
        Run badAddr = berth("registry", "serve", "--addr", "nonsense");
        assertThat(badAddr.exit()).isEqualTo(1);
        assertThat(badAddr.err()).contains("invalid --addr 'nonsense': expected HOST:PORT");
        Run badPort = berth("registry", "serve", "--addr", "127.0.0.1:http");
        assertThat(badPort.err()).contains("port 'http' is not a number");
        Run gc = berth("registry", "gc", "--root", work.resolve("reg").toString());
        assertThat(gc.exit()).as(gc.err()).isZero();
        assertThat(gc.out()).contains("Deleted 0 blob(s)");
        assertThat(berth("registry", "gc", "--root", work.resolve("reg").toString(), "--grace", "-PT1H").err())
                .contains("--grace must not be negative");
    }

    @Test
    void completionScriptCoversTheCommands() {
        Run run = berth("completion", "bash");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("complete -F").contains("images").contains("rmi");
        assertThat(berth("completion", "fish").exit()).isEqualTo(125);
    }
}
