package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.StoreCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two berth processes importing into one store while a third collects garbage in a loop: every name lands, every
 * image is whole, and the store checks consistent. The fcntl locks and leases are what is under test here, so the
 * writers are separate JVMs, not threads.
 */
class ConcurrentProcessesTest {
    @TempDir
    Path root;

    @TempDir
    Path work;

    @Test
    void concurrentImportsAndGcNeverCorruptTheStore() throws Exception {
        int perWriter = 6;
        List<Path> tars = new ArrayList<>();
        for (int i = 0; i < perWriter * 2; i++) {
            Path dir = Files.createDirectories(work.resolve("rootfs" + i));
            Files.writeString(dir.resolve("id.txt"), "image " + i + "\n");
            Files.write(dir.resolve("payload.bin"), new java.util.Random(i).ints(200_000).mapToObj(Integer::toString)
                    .reduce(new StringBuilder(), StringBuilder::append, StringBuilder::append).toString().getBytes());
            Path tar = work.resolve("rootfs" + i + ".tar");
            assertThat(new ProcessBuilder("tar", "-C", dir.toString(), "-cf", tar.toString(), ".").start().waitFor()).isZero();
            tars.add(tar);
        }
        // Each writer is one JVM running a shell loop of imports would cost a JVM start per import; instead each
        // writer process imports its images one after another through a small script of berth invocations.
        List<Process> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            StringBuilder script = new StringBuilder("set -e\n");
            for (int i = 0; i < perWriter; i++) {
                int n = w * perWriter + i;
                script.append(String.join(" ", BerthProcess.builder(root, "import", tars.get(n).toString(), "img" + n + ":1").command()
                        .stream().map(ConcurrentProcessesTest::quote).toList())).append("\n");
            }
            writers.add(new ProcessBuilder("bash", "-c", script.toString()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("writer" + w + ".log").toFile()).start());
        }
        StringBuilder gcLoop = new StringBuilder();
        String gc = String.join(" ", BerthProcess.builder(root, "system", "gc").command().stream().map(ConcurrentProcessesTest::quote).toList());
        gcLoop.append("for i in $(seq 1 8); do ").append(gc).append(" || exit 1; done\n");
        Process collector = new ProcessBuilder("bash", "-c", gcLoop.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("gc.log").toFile()).start();
        try {
            for (int w = 0; w < writers.size(); w++) {
                assertThat(writers.get(w).waitFor(240, TimeUnit.SECONDS)).isTrue();
                assertThat(writers.get(w).exitValue()).as(Files.readString(work.resolve("writer" + w + ".log"))).isZero();
            }
            assertThat(collector.waitFor(240, TimeUnit.SECONDS)).isTrue();
            assertThat(collector.exitValue()).as(Files.readString(work.resolve("gc.log"))).isZero();
        } finally {
            writers.forEach(Process::destroyForcibly);
            collector.destroyForcibly();
        }

        ImageStore store = ImageStore.open(root);
        assertThat(store.images()).hasSize(perWriter * 2);
        for (int n = 0; n < perWriter * 2; n++) {
            var image = store.resolve("img" + n + ":1");
            assertThat(image.manifest().layers()).allMatch(l -> store.content().contains(l.digest()));
        }
        StoreCheck.Report report = new StoreCheck(store).run(false);
        assertThat(report.problems()).isEmpty();
        assertThat(report.blobsChecked()).isEqualTo(perWriter * 2 * 3);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
