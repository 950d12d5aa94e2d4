package dev.berth.runtime.cgroup;

import dev.berth.runtime.ContainerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The v2 code path cannot run on this hybrid v1 host, so it reads a directory laid out like a v2 cgroup, with file
 * contents in the formats of the kernel's cgroup-v2 documentation (flat keyed files, "max" for no limit).
 */
class CgroupV2ParsingTest {
    private static final long HOST = 24L * 1024 * 1024 * 1024;

    @TempDir
    Path root;

    private Path cgroup(String memoryMax, String pidsMax) throws IOException {
        Path dir = Files.createDirectories(root.resolve("berth/abc"));
        Files.writeString(dir.resolve("memory.current"), "73400320\n");
        Files.writeString(dir.resolve("memory.max"), memoryMax + "\n");
        Files.writeString(dir.resolve("memory.stat"), """
                anon 52428800
                file 20971520
                kernel 1048576
                kernel_stack 65536
                pagetables 262144
                sock 0
                shmem 0
                file_mapped 4096
                file_dirty 0
                file_writeback 0
                inactive_anon 0
                active_anon 52428800
                inactive_file 16777216
                active_file 4194304
                unevictable 0
                pgfault 12000
                pgmajfault 3
                """);
        Files.writeString(dir.resolve("memory.events"), """
                low 0
                high 0
                max 41
                oom 3
                oom_kill 2
                oom_group_kill 0
                """);
        Files.writeString(dir.resolve("cpu.stat"), """
                usage_usec 2500000
                user_usec 2000000
                system_usec 500000
                nr_periods 0
                nr_throttled 0
                throttled_usec 0
                nr_bursts 0
                burst_usec 0
                """);
        Files.writeString(dir.resolve("pids.current"), "7\n");
        Files.writeString(dir.resolve("pids.max"), pidsMax + "\n");
        Files.writeString(dir.resolve("cgroup.procs"), "1234\n1240\n");
        Files.createDirectories(dir.resolve("inner"));
        Files.writeString(dir.resolve("inner/cgroup.procs"), "1300\n");
        return dir;
    }

    @Test
    void readsAllFieldsOfALimitedCgroup() throws IOException {
        cgroup("134217728", "100");
        CgroupV2 v2 = new CgroupV2(root, HOST);
        CgroupStats stats = v2.stats("/berth/abc");
        assertThat(stats.memoryUsageBytes()).isEqualTo(73_400_320);
        assertThat(stats.memoryLimitBytes()).isEqualTo(134_217_728);
        assertThat(stats.memoryCacheBytes()).isEqualTo(16_777_216);
        assertThat(stats.memoryUsedBytes()).isEqualTo(73_400_320 - 16_777_216);
        assertThat(stats.cpuUsageNanos()).isEqualTo(2_500_000_000L);
        assertThat(stats.pidsCurrent()).isEqualTo(7);
        assertThat(stats.pidsLimit()).isEqualTo(100);
        assertThat(stats.oomKills()).isEqualTo(2);
        assertThat(v2.oomKillCount("/berth/abc")).isEqualTo(2);
        assertThat(v2.pids("/berth/abc")).containsExactly(1234, 1240, 1300);
        assertThat(v2.exists("/berth/abc")).isTrue();
        assertThat(v2.exists("/berth/other")).isFalse();
        assertThat(v2.version()).isEqualTo(2);
    }

    @Test
    void maxMeansNoLimit() throws IOException {
        cgroup("max", "max");
        CgroupStats stats = new CgroupV2(root, HOST).stats("/berth/abc");
        assertThat(stats.memoryLimitBytes()).isEqualTo(HOST);
        assertThat(stats.pidsLimit()).isZero();
    }

    @Test
    void controllersNotEnabledReadAsUnknown() throws IOException {
        Path dir = Files.createDirectories(root.resolve("berth/bare"));
        Files.writeString(dir.resolve("cpu.stat"), "usage_usec 10\nuser_usec 5\nsystem_usec 5\n");
        CgroupV2 v2 = new CgroupV2(root, HOST);
        CgroupStats stats = v2.stats("/berth/bare");
        assertThat(stats.memoryUsageBytes()).isEqualTo(-1);
        assertThat(stats.memoryLimitBytes()).isEqualTo(HOST);
        assertThat(stats.pidsCurrent()).isEqualTo(-1);
        assertThat(stats.oomKills()).isEqualTo(-1);
        assertThat(stats.cpuUsageNanos()).isEqualTo(10_000);
        assertThat(v2.oomKillCount("/berth/bare")).isEqualTo(-1);
    }

    @Test
    void goneCgroupIsAClearError() {
        assertThatThrownBy(() -> new CgroupV2(root, HOST).stats("/berth/gone"))
                .isInstanceOf(ContainerException.class)
                .hasMessage("cgroup /berth/gone does not exist (the container is not running)");
    }

    @Test
    void garbageInACounterFileNamesTheFile() throws IOException {
        Path dir = cgroup("max", "max");
        Files.writeString(dir.resolve("pids.current"), "seven\n");
        assertThatThrownBy(() -> new CgroupV2(root, HOST).stats("/berth/abc"))
                .isInstanceOf(ContainerException.class)
                .hasMessageContaining("pids.current").hasMessageContaining("\"seven\"");
    }

    @Test
    void flatKeyedParsingSkipsLinesOfOtherShapes() {
        assertThat(CgroupFiles.parseFlatKeyed("a 1\nweird line here\nb max\n\nc 3"))
                .containsExactly(java.util.Map.entry("a", 1L), java.util.Map.entry("c", 3L));
        assertThat(CgroupV2.oomKills("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n")).isZero();
        assertThat(CgroupV2.cpuNanos("usage_usec 7\n")).isEqualTo(7000);
    }

    @Test
    void cpuPercentIsCpuTimeOverWallTime() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        CgroupStats first = new CgroupStats(0, 0, 0, 1_000_000_000L, 1, 0, 0, t0);
        CgroupStats twoCores = new CgroupStats(0, 0, 0, 1_200_000_000L, 1, 0, 0, t0.plusMillis(100));
        assertThat(CpuPercent.between(first, twoCores).percent()).isEqualTo(200.0);
        CgroupStats noAccounting = new CgroupStats(0, 0, 0, -1, 1, 0, 0, t0.plusMillis(100));
        assertThat(CpuPercent.between(first, noAccounting).percent()).isZero();
        assertThatThrownBy(() -> CpuPercent.between(twoCores, first)).isInstanceOf(ContainerException.class)
                .hasMessageContaining("time order");
    }
}
