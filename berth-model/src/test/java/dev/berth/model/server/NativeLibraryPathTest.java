package dev.berth.model.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.onnx.TestModels;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A packaged image points ONNX Runtime at its unpacked native libraries with {@code -Donnxruntime.native.path=DIR}
 * instead of unpacking them from the jar at every start. The server works that way, and really loads from DIR: with
 * a broken library there it does not start, and says why.
 */
class NativeLibraryPathTest {
    static final List<String> LIBRARIES = List.of("libonnxruntime.so", "libonnxruntime4j_jni.so");

    @TempDir
    Path dir;

    static Path unpack(Path into) throws Exception {
        Path jar = Path.of(ai.onnxruntime.OrtEnvironment.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Files.createDirectories(into);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (String name : LIBRARIES) {
                ZipEntry entry = zip.getEntry("ai/onnxruntime/native/linux-x64/" + name);
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, into.resolve(name));
                }
            }
        }
        return into;
    }

    static Process server(Path nativeDir, Path stderr) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Donnxruntime.native.path=" + nativeDir,
                "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(), "--model", TestModels.irisV1().toString(),
                "--name", "iris", "--host", "127.0.0.1", "--port", "0")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()).start();
    }

    @Test
    void theServerRunsOnLibrariesFromTheNativePath() throws Exception {
        Path stderr = dir.resolve("good.log");
        Process p = server(unpack(dir.resolve("native")), stderr);
        try {
            String url = null;
            for (int i = 0; i < 1200 && url == null && p.isAlive(); i++) {
                Thread.sleep(50);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"event\":\"ready\",\"url\":\"([^\"]+)\"")
                        .matcher(Files.readString(stderr));
                url = m.find() ? m.group(1) : null;
            }
            assertThat(url).as(Files.readString(stderr)).isNotNull();
            Http.Reply r = Http.post(java.net.URI.create(url), "/v2/models/iris/infer", BadInputTest.iris(BadInputTest.GOOD_INPUT));
            assertThat(r.status()).isEqualTo(200);
        } finally {
            p.toHandle().destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void aBrokenLibraryOnTheNativePathStopsTheStartWithAReason() throws Exception {
        Path broken = unpack(dir.resolve("broken"));
        Files.writeString(broken.resolve("libonnxruntime.so"), "not a shared object");
        Path stderr = dir.resolve("broken.log");
        Process p = server(broken, stderr);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        String log = Files.readString(stderr, StandardCharsets.UTF_8);
        assertThat(log).contains("\"event\":\"start_failed\"").contains("libonnxruntime.so");
    }
}
