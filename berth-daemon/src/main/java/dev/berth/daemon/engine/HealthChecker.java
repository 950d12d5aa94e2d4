package dev.berth.daemon.engine;

import dev.berth.daemon.api.ContainerState;
import dev.berth.oci.image.ContainerConfig.HealthConfig;
import dev.berth.runtime.bundle.ExecSpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a container's health check, as Docker does: the test every Interval (default 30 s), each run given Timeout
 * (default 30 s); Retries (default 3) consecutive failures make the container unhealthy, one success healthy again;
 * failures during the StartPeriod do not count. The last five results are kept in {@code State.Health.Log}.
 */
final class HealthChecker {
    private static final System.Logger LOG = System.getLogger(HealthChecker.class.getName());
    private static final long DEFAULT_NANOS = 30_000_000_000L;
    private static final int KEEP = 5;
    private static final int MAX_OUTPUT = 4096;

    private HealthChecker() {
    }

    static void startFor(Engine engine, Container c) {
        HealthConfig health = c.record.config().healthcheck();
        if (health == null) {
            return;
        }
        stop(c);
        c.healthChecker = Thread.ofVirtual().name("health-" + c.id().substring(0, 12)).start(() -> loop(engine, c, health));
    }

    static void stop(Container c) {
        Thread t = c.healthChecker;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
        c.healthChecker = null;
    }

    private static void loop(Engine engine, Container c, HealthConfig health) {
        long interval = positive(health.interval(), DEFAULT_NANOS);
        long timeout = positive(health.timeout(), DEFAULT_NANOS);
        long startPeriod = positive(health.startPeriod(), 0);
        int retries = health.retries() == null || health.retries() <= 0 ? 3 : health.retries();
        long started = System.nanoTime();
        List<String> test = health.test();
        List<String> argv = switch (test.getFirst()) {
            case "CMD" -> test.subList(1, test.size());
            case "CMD-SHELL" -> List.of("/bin/sh", "-c", String.join(" ", test.subList(1, test.size())));
            default -> test;
        };
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(Duration.ofNanos(interval));
                if (!c.running()) {
                    return;
                }
                Instant start = Instant.now();
                ByteArrayOutputStream output = new ByteArrayOutputStream();
                int code;
                try {
                    code = ExecRunner.run(engine, c, new ExecSpec(argv, c.record.config().env(), c.record.config().workingDir(),
                            c.record.config().user(), false), output, output, Duration.ofNanos(timeout));
                } catch (RuntimeException e) {
                    if (!c.running()) {
                        return;
                    }
                    code = 1;
                    output.writeBytes(e.getMessage().getBytes(StandardCharsets.UTF_8));
                }
                String text = output.toString(StandardCharsets.UTF_8);
                if (code == -1) {
                    text = "Health check exceeded timeout (" + Duration.ofNanos(timeout).toMillis() + "ms)";
                }
                if (text.length() > MAX_OUTPUT) {
                    text = text.substring(0, MAX_OUTPUT);
                }
                record(c, new ContainerState.HealthLog(Times.format(start), Times.format(Instant.now()), code, text),
                        retries, System.nanoTime() - started < startPeriod);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "health check of " + c.id() + " stopped: " + e.getMessage());
        }
    }

    private static void record(Container c, ContainerState.HealthLog result, int retries, boolean inStartPeriod) {
        c.lock.lock();
        try {
            if (!c.running()) {
                return;
            }
            ContainerState.Health previous = c.status().health();
            List<ContainerState.HealthLog> log = new ArrayList<>(previous == null ? List.of() : previous.log());
            log.add(result);
            while (log.size() > KEEP) {
                log.removeFirst();
            }
            String status = previous == null ? "starting" : previous.status();
            int streak = previous == null ? 0 : previous.failingStreak();
            if (result.exitCode() == 0) {
                status = "healthy";
                streak = 0;
            } else if (!inStartPeriod) {
                streak++;
                if (streak >= retries) {
                    status = "unhealthy";
                }
            }
            c.update(c.state().withState(StateChanges.withHealth(c.status(), new ContainerState.Health(status, streak, List.copyOf(log)))));
        } finally {
            c.lock.unlock();
        }
    }

    private static long positive(Long nanos, long fallback) {
        return nanos == null || nanos <= 0 ? fallback : nanos;
    }
}
