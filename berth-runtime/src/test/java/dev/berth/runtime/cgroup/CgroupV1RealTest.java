package dev.berth.runtime.cgroup;

import dev.berth.runtime.ContainerException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Against real v1 cgroups of this host: made by the test, with busybox processes inside. */
class CgroupV1RealTest {
    private static final long MIB = 1024 * 1024;
    private static Cgroups cgroups;

    @BeforeAll
    static void detect() {
        cgroups = Cgroups.detect();
        assumeThat(cgroups.version()).as("this test needs the v1 (hybrid) cgroup host it was written on").isEqualTo(1);
    }

    @Test
    void detectsV1OnAHybridHost() throws Exception {
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).contains(" - cgroup cgroup rw,memory");
        assertThat(cgroups).isInstanceOf(CgroupV1.class);
    }

    @Test
    void memoryUsageAgainstTheLimit() throws Exception {
        try (TestCgroup cg = new TestCgroup()) {
            cg.set("memory", "memory.limit_in_bytes", Long.toString(256 * MIB));
            // a 40 000 000-byte shell variable, then wait: anonymous memory charged to the cgroup
            Process shell = cg.run("x=$(busybox head -c 40000000 /dev/zero | busybox tr '\\0' a); echo held; "
                    + "busybox sleep 60; echo $x");
            assertThat(new BufferedReader(new InputStreamReader(shell.getInputStream())).readLine()).isEqualTo("held");
            awaitPids(cg.path, 2); // the shell and its sleep
            CgroupStats stats = awaitMemoryAbove(cg.path, 40_000_000);

            assertThat(stats.memoryLimitBytes()).isEqualTo(256 * MIB);
            assertThat(stats.memoryUsageBytes()).isBetween(40_000_000L, 256 * MIB);
            assertThat(stats.memoryUsedBytes()).isLessThanOrEqualTo(stats.memoryUsageBytes()).isGreaterThan(30 * MIB);
            assertThat(stats.memoryCacheBytes()).isGreaterThanOrEqualTo(0);
            assertThat(stats.memoryPercent()).isBetween(10.0, 100.0);
            assertThat(stats.oomKills()).isZero();
            assertThat(stats.pidsCurrent()).isBetween(2L, 5L); // the shell and sleep
            assertThat(stats.pidsLimit()).isZero(); // pids.max "max"
            assertThat(stats.cpuUsageNanos()).isPositive();
        }
    }

    @Test
    void noLimitMeansTheHostsMemory() throws Exception {
        try (TestCgroup cg = new TestCgroup()) {
            cg.run("busybox sleep 60");
            long hostBytes = HostMemory.totalBytes();
            assertThat(cgroups.stats(cg.path).memoryLimitBytes()).isEqualTo(hostBytes);
        }
    }

    @Test
    void cpuPercentOfABusyLoop() throws Exception {
        try (TestCgroup cg = new TestCgroup()) {
            cg.run("while :; do :; done");
            CpuPercent.Sample sample = CpuPercent.measure(cgroups, cg.path, Duration.ofMillis(500));
            // one busy core is 100%; the machine is shared with other work, so allow a wide band below
            assertThat(sample.cpu().percent()).isBetween(20.0, 110.0);
            assertThat(sample.cpu().window()).isGreaterThanOrEqualTo(Duration.ofMillis(500));
            assertThat(sample.stats().cpuUsageNanos()).isPositive();
        }
    }

    @Test
    void idleProcessUsesAlmostNoCpu() throws Exception {
        try (TestCgroup cg = new TestCgroup()) {
            cg.run("busybox sleep 60");
            Thread.sleep(100);
            CpuPercent.Sample sample = CpuPercent.measure(cgroups, cg.path, Duration.ofMillis(300));
            assertThat(sample.cpu().percent()).isBetween(0.0, 5.0);
        }
    }

    @Test
    void overTheLimitIsOomKilledAndCounted() throws Exception {
        try (TestCgroup cg = new TestCgroup()) {
            cg.set("memory", "memory.limit_in_bytes", Long.toString(32 * MIB));
            assertThat(cgroups.oomKillCount(cg.path)).isZero();
            Process hog = cg.run("x=a; while true; do x=$x$x; done");
            assertThat(hog.waitFor(30, TimeUnit.SECONDS)).as("the memory hog ends").isTrue();
            assertThat(hog.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
            assertThat(cgroups.oomKillCount(cg.path)).isGreaterThanOrEqualTo(1);
            assertThat(cgroups.stats(cg.path).oomKills()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void pidsLimitStopsForksAndPidsListsThem() throws Exception {
        try (TestCgroup cg = new TestCgroup()) {
            cg.set("pids", "pids.max", "5");
            // the shell may give up at the first failed fork; the sleeps it did start stay in the cgroup
            cg.run("i=0; while [ $i -lt 10 ]; do busybox sleep 60 & i=$((i+1)); done; busybox sleep 60; echo end");
            List<Integer> pids = awaitPids(cg.path, 4);
            Thread.sleep(300);
            CgroupStats stats = cgroups.stats(cg.path);
            assertThat(stats.pidsLimit()).isEqualTo(5);
            assertThat(stats.pidsCurrent()).isBetween(4L, 5L);
            assertThat(CgroupFiles.parseFlatKeyed(Files.readString(cg.dir("pids").resolve("pids.events"))).get("max"))
                    .as("forks refused by pids.max").isPositive();

            pids = cgroups.pids(cg.path);
            assertThat(pids).hasSize((int) stats.pidsCurrent());
            List<String> commands = new ProcessTable().rows(pids).stream().map(ProcessRow::cmd).toList();
            assertThat(commands).hasSize(pids.size())
                    .allMatch(cmd -> cmd.equals("busybox sleep 60") || cmd.startsWith("/bin/busybox sh -c"))
                    .contains("busybox sleep 60");
        }
    }

    @Test
    void processTableShowsTheContainersProcesses() throws Exception {
        try (TestCgroup cg = new TestCgroup()) {
            Process shell = cg.run("busybox sleep 61 & busybox sleep 62; echo end");
            List<Integer> pids = awaitPids(cg.path, 3);
            // the background child shows as a copy of the shell until it has exec'd sleep: wait for both sleeps
            List<ProcessRow> rows = new ProcessTable().rows(pids);
            for (int i = 0; i < 100 && rows.stream().filter(r -> r.cmd().startsWith("busybox sleep")).count() < 2; i++) {
                Thread.sleep(50);
                rows = new ProcessTable().rows(pids);
            }
            assertThat(rows).hasSize(3);
            ProcessRow sleeper = rows.stream().filter(r -> r.cmd().equals("busybox sleep 62")).findFirst().orElseThrow();
            assertThat(sleeper.ppid()).isEqualTo(shell.pid());
            assertThat(sleeper.uid()).isEqualTo("root");
            assertThat(sleeper.tty()).isEqualTo("?");
            assertThat(sleeper.time()).isEqualTo("00:00:00");
            assertThat(sleeper.c()).isZero();
            assertThat(sleeper.stime()).matches("\\d\\d:\\d\\d|[A-Z][a-z][a-z]\\d\\d");
            assertThat(rows).extracting(ProcessRow::cmd).contains("busybox sleep 61");
            assertThat(rows.stream().filter(r -> r.pid() == shell.pid()).findFirst().orElseThrow().cmd())
                    .startsWith("/bin/busybox sh -c read go;");
            assertThat(sleeper.cells()).hasSize(ProcessRow.TITLES.size());
        }
    }

    @Test
    void removeIfEmptyKeepsABusyCgroupAndRemovesAnEmptyOne() throws Exception {
        try (TestCgroup cg = new TestCgroup()) {
            Process sleeper = cg.run("busybox sleep 60");
            awaitPids(cg.path, 1);
            assertThat(cgroups.exists(cg.path)).isTrue();
            assertThat(cgroups.removeIfEmpty(cg.path)).isFalse();
            assertThat(cgroups.exists(cg.path)).isTrue();

            sleeper.descendants().forEach(ProcessHandle::destroyForcibly);
            sleeper.destroyForcibly();
            sleeper.waitFor(10, TimeUnit.SECONDS);
            boolean removed = false;
            for (int i = 0; i < 50 && !removed; i++) {
                removed = cgroups.removeIfEmpty(cg.path);
                Thread.sleep(removed ? 0 : 100);
            }
            assertThat(removed).isTrue();
            assertThat(cgroups.exists(cg.path)).isFalse();
            assertThat(cgroups.removeIfEmpty(cg.path)).as("absence is fine").isTrue();
            assertThat(cgroups.pids(cg.path)).isEmpty();
            assertThat(cgroups.oomKillCount(cg.path)).isEqualTo(-1);
            assertThatThrownBy(() -> cgroups.stats(cg.path))
                    .isInstanceOf(ContainerException.class)
                    .hasMessageContaining(cg.path).hasMessageContaining("does not exist");
        }
    }

    @Test
    void badPathsAreRefused() {
        assertThatThrownBy(() -> cgroups.stats("berth/x")).isInstanceOf(ContainerException.class)
                .hasMessageContaining("must be absolute");
        assertThatThrownBy(() -> cgroups.exists("/berth/../etc")).isInstanceOf(ContainerException.class)
                .hasMessageContaining("\"..\"");
        assertThatThrownBy(() -> cgroups.removeIfEmpty("/")).isInstanceOf(ContainerException.class)
                .hasMessageContaining("root cgroup");
    }

    private static CgroupStats awaitMemoryAbove(String path, long bytes) throws InterruptedException {
        CgroupStats stats = cgroups.stats(path);
        for (int i = 0; i < 100 && stats.memoryUsageBytes() < bytes; i++) {
            Thread.sleep(100);
            stats = cgroups.stats(path);
        }
        return stats;
    }

    private static List<Integer> awaitPids(String path, int count) throws InterruptedException {
        List<Integer> pids = cgroups.pids(path);
        for (int i = 0; i < 100 && pids.size() < count; i++) {
            Thread.sleep(50);
            pids = cgroups.pids(path);
        }
        return pids;
    }
}
