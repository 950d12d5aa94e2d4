package dev.berth.model.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.onnx.TestModels;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A real server process (ServerMain, as a packaged image starts it) gets SIGTERM while a request waits in its batch
 * queue: the request is still answered, readiness had turned off, and the process exits.
 */
class GracefulShutdownTest {
    @Test
    void sigtermFinishesTheRequestInFlightThenExits() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ServerMain.class.getName(), "--model", TestModels.irisV1().toString(), "--name", "iris", "--host", "127.0.0.1",
                "--port", "0", "--batch-max-size", "64", "--batch-max-delay", "4s")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> log = new CopyOnWriteArrayList<>();
        CompletableFuture<URI> url = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                Pattern ready = Pattern.compile("\"event\":\"ready\",\"url\":\"([^\"]+)\"");
                for (String line; (line = r.readLine()) != null; ) {
                    log.add(line);
                    Matcher m = ready.matcher(line);
                    if (m.find()) {
                        url.complete(URI.create(m.group(1)));
                    }
                }
            } catch (Exception e) {
                url.completeExceptionally(e);
            }
            url.completeExceptionally(new AssertionError("server exited before it was ready: " + log));
        });
        try {
            URI base = url.get(120, TimeUnit.SECONDS);
            assertThat(Http.get(base, "/v2/health/ready").status()).isEqualTo(200);
            String body = "{\"id\":\"in-flight\",\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[5.0,3.4,1.5,0.2]}]}";
            CompletableFuture<HttpResponse<String>> inFlight = Http.CLIENT.sendAsync(
                    HttpRequest.newBuilder(base.resolve("/v2/models/iris/infer")).POST(HttpRequest.BodyPublishers.ofString(body))
                            .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            // the request now waits up to 4 s for its batch to fill
            Thread.sleep(700);
            assertThat(inFlight).isNotDone();
            // SIGTERM through the handle: Process.destroy() would also close our end of its stderr
            process.toHandle().destroy();
            HttpResponse<String> answer = inFlight.get(60, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("\"id\":\"in-flight\"").contains("\"shape\":[1,3]");
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            // 0: the server stopped on its own terms, not by the JVM's default exit on a signal
            assertThat(process.exitValue()).isEqualTo(0);
            reader.join(10_000);
            assertThat(reader.isAlive()).as("log reader still running").isFalse();
            assertThat(String.join("\n", log)).contains("\"event\":\"server_stopping\"").contains("\"event\":\"server_stopped\"");
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
