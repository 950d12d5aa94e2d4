package dev.berth.registry.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's docker-registry (distribution 2.8) as a test peer: our own process with a config file of its own, on a free
 * 127.0.0.1 port, storage in the given directory, deletes enabled; stopped by its process handle.
 */
public final class DistributionRegistry implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Process process;
    private final Path log;
    private final int port;

    private DistributionRegistry(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts one and waits until {@code GET /v2/} answers; skips the calling test when the package is absent. */
    public static DistributionRegistry start(Path work) throws Exception {
        assumeTrue(Files.isExecutable(BINARY), "docker-registry is not installed (apt-get install docker-registry)");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        Path config = work.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                  maintenance:
                    uploadpurging:
                      enabled: false
                http:
                  addr: 127.0.0.1:%d
                  secret: berth-test-secret
                """.formatted(Files.createDirectories(work.resolve("storage")), port), StandardCharsets.UTF_8);
        Path log = work.resolve("registry.log");
        ProcessBuilder pb = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // REGISTRY_* variables would override the config file.
        pb.environment().keySet().removeIf(k -> k.startsWith("REGISTRY_"));
        DistributionRegistry registry = new DistributionRegistry(pb.start(), log, port);
        registry.awaitReady();
        return registry;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT}, as it stands in an image reference. */
    public String domain() {
        return "127.0.0.1:" + port;
    }

    public URI baseUri() {
        return URI.create("http://" + domain() + "/");
    }

    private void awaitReady() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (http.send(HttpRequest.newBuilder(baseUri().resolve("/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("docker-registry did not answer within 30 s:\n" + log());
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
