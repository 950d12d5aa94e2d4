package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.daemon.api.CreateRequest;
import dev.berth.daemon.api.HostConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Limits that need time to show, and many containers at once. */
class EngineScaleTest {
    private EngineFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new EngineFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    @Test
    void aCpuBoundLoopUnderHalfACpuGetsAboutHalfACore() throws Exception {
        HostConfig host = new HostConfig(null, null, false, 0, 500_000_000L, null, "none", null, null, false, null, null);
        String id = f.create(EngineFixture.request(host, "sh", "-c", "while true; do :; done"), null);
        f.engine.start(id);
        Path usage = Path.of("/sys/fs/cgroup/cpuacct/berth", id, "cpuacct.usage");
        Thread.sleep(300);
        long cpu0 = Long.parseLong(Files.readString(usage).strip());
        long wall0 = System.nanoTime();
        Thread.sleep(2_000);
        long cpu = Long.parseLong(Files.readString(usage).strip()) - cpu0;
        long wall = System.nanoTime() - wall0;
        double cores = (double) cpu / wall;
        // the quota allows 0.5; a loaded 2-core machine may give less, never much more
        assertThat(cores).isBetween(0.3, 0.6);
        f.engine.remove(id, true);
    }

    @Test
    void fiftyContainersStartedAndRemovedConcurrentlyLeaveNothingBehind() throws Exception {
        Map<String, Object> before = f.leftovers();
        List<Future<String>> jobs = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                String network = i % 2 == 0 ? "bridge" : "none";
                jobs.add(pool.submit(() -> {
                    String id = f.create(EngineFixture.request(EngineFixture.host(network), "sleep", "30"), null);
                    f.engine.start(id);
                    assertThat(f.engine.inspect(id).state().running()).isTrue();
                    f.engine.remove(id, true);
                    return id;
                }));
            }
            for (Future<String> job : jobs) {
                job.get();
            }
        }
        assertThat(f.ids).hasSize(50);
        Map<String, Object> after = f.leftovers();
        assertThat(after).isEqualTo(before);
        assertThat(after.get("mounts")).asList().isEmpty();
        assertThat(after.get("cgroups")).asList().isEmpty();
        assertThat(after.get("veths")).asList().isEmpty();
        assertThat(f.engine.list(true, Map.of())).isEmpty();
    }

    @Test
    void aStartedContainerSurvivesItsEngineAndTheNextEngineRecordsItsEnd() throws Exception {
        String id = f.create(new CreateRequest(EngineFixture.IMAGE, List.of("sh", "-c", "sleep 1; echo done; exit 5"), null, null,
                null, null, null, null, null, null, null, null, EngineFixture.host("bridge")), null);
        f.engine.start(id);
        f.engine.close(); // the engine goes away; conmon keeps the container
        Thread.sleep(2_000);
        f.open();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && f.engine.inspect(id).state().running()) {
            Thread.sleep(50);
        }
        var state = f.engine.inspect(id).state();
        assertThat(state.status()).isEqualTo("exited");
        assertThat(state.exitCode()).isEqualTo(5);
        assertThat(f.leftovers().get("veths")).asList().isEmpty();
        assertThat(f.leftovers().get("mounts")).asList().isEmpty();
    }
}
