package dev.berth.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Interoperability with a real client: skopeo pushes a hand-made OCI layout, inspects it and pulls it back. */
class SkopeoInteropTest {
    @TempDir
    Path tmp;

    @Test
    void skopeoPushInspectPullKeepsDigests() throws Exception {
        Assumptions.assumeTrue(onPath("skopeo"), "skopeo is not installed");
        Path layout = tmp.resolve("layout");
        Digest manifestDigest = writeLayout(layout, tmp);

        try (TestRegistry registry = new TestRegistry(tmp.resolve("registry"))) {
            String image = "docker://127.0.0.1:" + registry.server.baseUri().getPort() + "/test/img:1";
            run("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false", "oci:" + layout + ":latest", image);

            String inspect = run("skopeo", "--insecure-policy", "inspect", "--tls-verify=false", image);
            assertThat(Json.tree(inspect.getBytes(StandardCharsets.UTF_8), "inspect").get("Digest").stringValue())
                    .isEqualTo(manifestDigest.toString());
            String raw = run("skopeo", "--insecure-policy", "inspect", "--raw", "--tls-verify=false", image);
            assertThat(Digest.sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(manifestDigest);

            Path pulled = tmp.resolve("pulled");
            run("skopeo", "--insecure-policy", "copy", "--src-tls-verify=false", image, "oci:" + pulled + ":latest");
            JsonNode index = Json.tree(Files.readAllBytes(pulled.resolve("index.json")), "index");
            assertThat(index.get("manifests").get(0).get("digest").stringValue()).isEqualTo(manifestDigest.toString());
            assertThat(Files.readAllBytes(pulled.resolve("blobs/sha256/" + manifestDigest.encoded())))
                    .isEqualTo(Files.readAllBytes(layout.resolve("blobs/sha256/" + manifestDigest.encoded())));
        }
    }

    /** A one-layer image in OCI layout, the layer made by the system tar in {@code tmp}; returns the manifest digest. */
    static Digest writeLayout(Path layout, Path tmp) throws Exception {
        Path content = tmp.resolve("content");
        Files.createDirectories(content.resolve("etc"));
        Files.writeString(content.resolve("etc/hello.txt"), "hello from berth\n");
        Path layerFile = tmp.resolve("layer.tar.gz");
        run("tar", "-czf", layerFile.toString(), "-C", content.toString(), ".");
        byte[] layer = Files.readAllBytes(layerFile);
        byte[] tar;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(layerFile))) {
            tar = in.readAllBytes();
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\"" + Digest.sha256(tar) + "\"]}}").getBytes(StandardCharsets.UTF_8);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Digest.sha256(config)
                + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\"" + Digest.sha256(layer) + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        Digest manifestDigest = Digest.sha256(manifest);
        byte[] index = ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"digest\":\"" + manifestDigest + "\",\"size\":" + manifest.length
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}]}").getBytes(StandardCharsets.UTF_8);
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        for (byte[] blob : List.of(layer, config, manifest)) {
            Files.write(blobs.resolve(Digest.sha256(blob).encoded()), blob);
        }
        Files.write(layout.resolve("index.json"), index);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        return manifestDigest;
    }

    static String run(String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(command));
        // stderr apart, so warnings never mix into the JSON on stdout, but kept for the failure message
        Path errors = Files.createTempFile("skopeo", ".err");
        Process process = new ProcessBuilder(args).redirectError(errors.toFile()).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + text + Files.readString(errors)).isZero();
        Files.delete(errors);
        return text;
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
