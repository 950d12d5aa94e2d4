package dev.berth.daemon.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a new replica to answer its readiness check: HTTP GET on its address and the readiness path, 200 meaning
 * ready. It gives up when the container stops running or the time is up, saying what the last attempt saw.
 */
final class ReadinessProbe {
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    private static final long PAUSE_MILLIS = 100;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(ATTEMPT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();

    /** How a wait ended. */
    sealed interface Outcome {
        /** Answered 200 after this long. */
        record Ready(Duration after) implements Outcome {
        }

        /** The container stopped before it was ready. */
        record Exited(String lastSeen) implements Outcome {
        }

        /** Still not ready at the deadline. */
        record TimedOut(String lastSeen) implements Outcome {
        }
    }

    Outcome await(String ip, int port, String path, Duration timeout, BooleanSupplier running) throws InterruptedException {
        URI uri = URI.create("http://" + ip + ":" + port + path);
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String lastSeen = "no attempt yet";
        while (true) {
            if (!running.getAsBoolean()) {
                return new Outcome.Exited(lastSeen);
            }
            lastSeen = attempt(uri);
            if (lastSeen == null) {
                return new Outcome.Ready(Duration.ofNanos(System.nanoTime() - start));
            }
            if (System.nanoTime() + PAUSE_MILLIS * 1_000_000 > deadline) {
                return running.getAsBoolean() ? new Outcome.TimedOut(lastSeen) : new Outcome.Exited(lastSeen);
            }
            Thread.sleep(PAUSE_MILLIS);
        }
    }

    /** One check: null when ready, else what it saw, for the error message. */
    String attempt(URI uri) throws InterruptedException {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(ATTEMPT_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200 ? null : "GET " + uri + " answered " + r.statusCode();
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof java.net.ConnectException) {
                why = "connection refused";
            }
            return "GET " + uri + " failed: " + why;
        }
    }
}
