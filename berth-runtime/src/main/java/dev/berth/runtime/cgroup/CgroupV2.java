package dev.berth.runtime.cgroup;

import dev.berth.runtime.ContainerException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * cgroup v2 (the unified hierarchy): one directory a container with all controllers' files in it. A controller the
 * parent did not enable in cgroup.subtree_control has no files; its fields read -1.
 */
public final class CgroupV2 implements Cgroups {
    private final Path root;
    private final long hostMemoryBytes;

    CgroupV2(Path root, long hostMemoryBytes) {
        this.root = root;
        this.hostMemoryBytes = hostMemoryBytes;
    }

    @Override
    public int version() {
        return 2;
    }

    @Override
    public CgroupStats stats(String cgroupsPath) {
        Path dir = CgroupPath.under(root, cgroupsPath);
        if (!Files.isDirectory(dir)) {
            throw new ContainerException("cgroup " + cgroupsPath + " does not exist (the container is not running)");
        }
        Instant readAt = Instant.now();
        return parse(dir, readAt);
    }

    /** Reads the v2 files of one cgroup directory. */
    CgroupStats parse(Path dir, Instant readAt) {
        long usage = optionalLong(dir.resolve("memory.current"));
        Path maxFile = dir.resolve("memory.max");
        String max = CgroupFiles.readOrNull(maxFile);
        long limit = max == null
                ? hostMemoryBytes
                : Math.min(CgroupFiles.parseLimit(max, maxFile.toString()).orElse(Long.MAX_VALUE), hostMemoryBytes);
        String memoryStat = CgroupFiles.readOrNull(dir.resolve("memory.stat"));
        long inactiveFile = memoryStat == null
                ? -1
                : CgroupFiles.parseFlatKeyed(memoryStat).getOrDefault("inactive_file", -1L);
        return new CgroupStats(usage, limit, inactiveFile, cpuNanos(CgroupFiles.readOrNull(dir.resolve("cpu.stat"))),
                optionalLong(dir.resolve("pids.current")), pidsLimit(dir.resolve("pids.max")),
                oomKills(CgroupFiles.readOrNull(dir.resolve("memory.events"))), readAt);
    }

    /** cpu.stat counts microseconds (usage_usec); always present, even without the cpu controller enabled. */
    static long cpuNanos(String cpuStat) {
        if (cpuStat == null) {
            return -1;
        }
        long micros = CgroupFiles.parseFlatKeyed(cpuStat).getOrDefault("usage_usec", -1L);
        return micros < 0 ? -1 : micros * 1000;
    }

    /** memory.events "oom_kill": processes killed by the OOM killer in this cgroup and below. */
    static long oomKills(String memoryEvents) {
        if (memoryEvents == null) {
            return -1;
        }
        return CgroupFiles.parseFlatKeyed(memoryEvents).getOrDefault("oom_kill", -1L);
    }

    private static long pidsLimit(Path file) {
        String text = CgroupFiles.readOrNull(file);
        if (text == null) {
            return -1;
        }
        return CgroupFiles.parseLimit(text, file.toString()).orElse(0);
    }

    private static long optionalLong(Path file) {
        String text = CgroupFiles.readOrNull(file);
        return text == null ? -1 : CgroupFiles.parseLong(text, file.toString());
    }

    @Override
    public long oomKillCount(String cgroupsPath) {
        return oomKills(CgroupFiles.readOrNull(CgroupPath.under(root, cgroupsPath).resolve("memory.events")));
    }

    @Override
    public List<Integer> pids(String cgroupsPath) {
        return CgroupTree.processes(CgroupPath.under(root, cgroupsPath));
    }

    @Override
    public boolean exists(String cgroupsPath) {
        return Files.isDirectory(CgroupPath.under(root, cgroupsPath));
    }

    @Override
    public boolean removeIfEmpty(String cgroupsPath) {
        return CgroupTree.remove(CgroupPath.under(root, cgroupsPath));
    }
}
