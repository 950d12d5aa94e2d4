package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.daemon.Daemon;
import dev.berth.daemon.client.EngineClient;
import dev.berth.model.ModelLabels;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import dev.berth.oci.json.Json;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.layer.LayerOptions;
import dev.berth.oci.layer.LayerWriter;
import dev.berth.oci.layer.WrittenLayer;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.BlobWriter;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code berth deploy}, {@code rollback}, {@code deployments} and {@code deploy rm} end to end: the CLI in this JVM, the
 * daemon it starts as a process of its own, busybox httpd replicas standing in for model servers.
 */
class DeployCommandsTest {
    private static Path root;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void images() throws Exception {
        root = Files.createTempDirectory(Path.of("/tmp"), "berth-cli-deploy-");
        ImageStore store = ImageStore.open(root);
        server(store, "test/m:1", "1", true);
        server(store, "test/m:2", "2", true);
        server(store, "test/m:broken", "3", false);
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        EngineClient client = new EngineClient(Daemon.defaultSocket(root));
        if (Files.exists(client.socket()) && client.ping()) {
            berth("deploy", "rm", "m");
            for (Object c : client.call("GET", "/containers/json?all=1", null, List.class)) {
                client.call("DELETE", "/containers/" + ((Map<?, ?>) c).get("Id") + "?force=1", null, Void.class);
            }
            long pid = ((Number) client.call("GET", "/version", null, Map.class).get("Pid")).longValue();
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroy(); // the daemon this test class started, by its PID
                p.onExit().join();
            });
        }
        new ProcessBuilder("rm", "-rf", "--one-file-system", root.toString()).start().waitFor();
    }

    private static InProcessBerth.Run berth(String... args) {
        return InProcessBerth.run(root, args);
    }

    @Test
    void deployUpdateRollbackHistoryAndRemoval() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        InProcessBerth.Run deployed = berth("deploy", "test/m:1", "--port", Integer.toString(port), "--replicas", "2",
                "--memory", "64m", "--readiness-timeout", "30s");
        assertThat(deployed.exit()).as(deployed.err()).isZero();
        assertThat(deployed.out()).isEqualTo("Deployment m serves test/m:1 (version 1, revision 1) on http://127.0.0.1:" + port
                + " with 2/2 replicas ready\n");
        assertThat(deployed.err()).contains("starting replica 1 of 2").contains("is ready at");
        assertThat(body(port)).isEqualTo("v1\n");

        InProcessBerth.Run list = berth("deployments");
        assertThat(list.out().lines().toList()).hasSize(2);
        assertThat(list.out().lines().toList().get(1)).startsWith("m ").contains("test/m:1").contains(" 2/2 ")
                .contains("127.0.0.1:" + port).contains("ready");
        assertThat(berth("ps", "--filter", "label=dev.berth.deployment=m", "-q").out().lines()).hasSize(2);
        assertThat(berth("deployments", "--format", "json").out()).contains("\"name\" : \"m\"").contains("\"ready\" : 2");

        InProcessBerth.Run updated = berth("deploy", "test/m:2");
        assertThat(updated.exit()).as(updated.err()).isZero();
        assertThat(updated.err()).contains("draining replica m-r1-");
        assertThat(body(port)).isEqualTo("v2\n");

        InProcessBerth.Run broken = berth("deploy", "test/m:broken", "--readiness-timeout", "2s");
        assertThat(broken.exit()).isEqualTo(1);
        assertThat(broken.err()).contains("Error: the rollout of test/m:broken to deployment m failed")
                .contains("did not become ready within 2 s").contains("revision 2 (test/m:2) still serves");
        assertThat(body(port)).isEqualTo("v2\n");

        InProcessBerth.Run back = berth("rollback", "m", "--format", "json");
        assertThat(back.exit()).as(back.err()).isZero();
        assertThat(back.out()).contains("\"version\" : \"1\"").contains("\"revision\" : 4");
        assertThat(body(port)).isEqualTo("v1\n");

        System.out.println(berth("deployments").out() + "\n" + berth("deployments", "m").out() + "\n"
                + berth("deployments", "m", "--history").out());
        List<String> history = berth("deployments", "m", "--history").out().lines().toList();
        assertThat(history).hasSize(5);
        assertThat(history.get(0)).startsWith("REVISION").contains("REPLACED").contains("BY");
        assertThat(history.get(1)).startsWith("4 ").contains("test/m:1").contains("serving").contains("rollback to revision 1");
        assertThat(history.get(2)).startsWith("3 ").contains("test/m:broken").contains("failed").contains("did not become ready");
        assertThat(history.get(3)).startsWith("2 ").contains("test/m:2").contains("replaced").matches(".* 4( .*)?$");
        assertThat(history.get(4)).startsWith("1 ").contains("test/m:1").contains("replaced").matches(".* 2( .*)?$");

        InProcessBerth.Run removed = berth("deploy", "rm", "m");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(removed.out()).isEqualTo("m\n");
        assertThat(berth("ps", "-a", "-q").out()).isEmpty();
        assertThat(berth("deployments").out().lines()).hasSize(1);
        try (Socket s = new Socket()) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> s.connect(new InetSocketAddress("127.0.0.1", port), 2_000)))
                    .isInstanceOf(java.net.ConnectException.class);
        }
    }

    @Test
    void badInputIsRefusedWithAClearMessage() {
        InProcessBerth.Run noPort = berth("deploy", "test/m:1", "--name", "fresh");
        assertThat(noPort.exit()).isEqualTo(1);
        assertThat(noPort.err()).isEqualTo("Error: deployment fresh is new: give the port it listens on (--port)\n");
        InProcessBerth.Run badMemory = berth("deploy", "test/m:1", "--port", "1", "--memory", "12q");
        assertThat(badMemory.exit()).isEqualTo(125);
        assertThat(badMemory.err()).contains("12q").contains("--memory");
        InProcessBerth.Run historyOfNothing = berth("deployments", "--history");
        assertThat(historyOfNothing.exit()).isEqualTo(125);
        assertThat(historyOfNothing.err()).contains("--history needs a deployment");
        InProcessBerth.Run unknown = berth("rollback", "nothing");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("Error: No such deployment: nothing\n");
        InProcessBerth.Run rmUnknown = berth("deploy", "rm", "nothing");
        assertThat(rmUnknown.exit()).isEqualTo(1);
        assertThat(rmUnknown.err()).contains("No such deployment: nothing");
    }

    private String body(int port) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/m")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** busybox httpd serving the readiness path (unless not {@code ready}) and the version at /v2/models/m. */
    private static void server(ImageStore store, String name, String version, boolean ready) {
        List<LayerEntry> entries = new ArrayList<>(List.of(LayerEntry.directory("bin", 0755), LayerEntry.directory("tmp", 01777),
                LayerEntry.file("bin/busybox", Path.of("/usr/bin/busybox"), 0755),
                LayerEntry.directory("www", 0755), LayerEntry.directory("www/v2", 0755), LayerEntry.directory("www/v2/models", 0755),
                LayerEntry.file("www/v2/models/m", ("v" + version + "\n").getBytes(StandardCharsets.UTF_8), 0644)));
        if (ready) {
            entries.add(LayerEntry.directory("www/v2/health", 0755));
            entries.add(LayerEntry.file("www/v2/health/ready", "ready\n".getBytes(StandardCharsets.UTF_8), 0644));
        }
        for (String applet : List.of("sh", "httpd")) {
            entries.add(LayerEntry.symlink("bin/" + applet, "busybox"));
        }
        try (Lease lease = store.lease(); BlobWriter writer = lease.writer()) {
            WrittenLayer layer = LayerWriter.writeEntries(entries, writer, LayerOptions.defaults().withMtime(1704067200L));
            Descriptor layerDescriptor = writer.commit(layer.blob().mediaType(), layer.blob().digest(), layer.blob().size());
            ContainerConfig run = new ContainerConfig(null, null, List.of("PATH=/bin"), null,
                    List.of("sh", "-c", "trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait"), null, null,
                    Map.of(ModelLabels.NAME, "m", ModelLabels.VERSION, version), null, null, null, null, null);
            ImageConfig config = new ImageConfig("2024-01-01T00:00:00Z", null, Platform.host().architecture(), "linux", null,
                    null, null, run, ImageConfig.RootFs.layers(List.of(layer.diffId().toString())), List.of());
            Descriptor configDescriptor = lease.put(MediaTypes.OCI_CONFIG, Json.canonicalBytes(config));
            Descriptor manifest = lease.put(MediaTypes.OCI_MANIFEST, Json.canonicalBytes(Manifest.oci(configDescriptor,
                    List.of(layerDescriptor), null)));
            store.tag(Reference.parse(name), manifest);
        }
    }
}
