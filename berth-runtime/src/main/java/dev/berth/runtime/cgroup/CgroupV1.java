package dev.berth.runtime.cgroup;

import dev.berth.runtime.ContainerException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * cgroup v1, including the hybrid layout (v1 controllers plus an empty cgroup2 tree at /sys/fs/cgroup/unified):
 * every controller has its own hierarchy, and runc makes the container's directory in each.
 */
public final class CgroupV1 implements Cgroups {
    private final CgroupMounts mounts;
    private final long hostMemoryBytes;

    CgroupV1(CgroupMounts mounts, long hostMemoryBytes) {
        this.mounts = mounts;
        this.hostMemoryBytes = hostMemoryBytes;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public CgroupStats stats(String cgroupsPath) {
        Path memory = controllerDir("memory", cgroupsPath)
                .orElseThrow(() -> new ContainerException("the memory cgroup controller is not mounted on this host"));
        if (!Files.isDirectory(memory)) {
            throw gone(cgroupsPath);
        }
        Instant readAt = Instant.now();
        long usage = CgroupFiles.readLong(memory.resolve("memory.usage_in_bytes"));
        Map<String, Long> memoryStat = CgroupFiles.parseFlatKeyed(CgroupFiles.read(memory.resolve("memory.stat")));
        long limit = memoryLimit(CgroupFiles.readLong(memory.resolve("memory.limit_in_bytes")), memoryStat);
        long inactiveFile = memoryStat.getOrDefault("total_inactive_file", -1L);
        long oomKills = CgroupFiles.readKey(memory.resolve("memory.oom_control"), "oom_kill");

        long cpuNanos = controllerDir("cpuacct", cgroupsPath)
                .map(dir -> dir.resolve("cpuacct.usage"))
                .filter(Files::exists)
                .map(CgroupFiles::readLong)
                .orElse(-1L);
        long pidsCurrent = -1;
        long pidsLimit = -1;
        Optional<Path> pids = controllerDir("pids", cgroupsPath).filter(Files::isDirectory);
        if (pids.isPresent()) {
            pidsCurrent = CgroupFiles.readLong(pids.get().resolve("pids.current"));
            Path max = pids.get().resolve("pids.max");
            pidsLimit = CgroupFiles.parseLimit(CgroupFiles.read(max), max.toString()).orElse(0);
        }
        return new CgroupStats(usage, limit, inactiveFile, cpuNanos, pidsCurrent, pidsLimit, oomKills, readAt);
    }

    /**
     * The limit that applies: the cgroup's own, a tighter one set on a parent (hierarchical_memory_limit), and the
     * host's RAM, whichever is smallest. "Unlimited" in v1 is a huge page-aligned number.
     */
    private long memoryLimit(long ownLimit, Map<String, Long> memoryStat) {
        long limit = Math.min(ownLimit, hostMemoryBytes);
        long hierarchical = memoryStat.getOrDefault("hierarchical_memory_limit", Long.MAX_VALUE);
        return Math.min(limit, hierarchical);
    }

    @Override
    public long oomKillCount(String cgroupsPath) {
        return controllerDir("memory", cgroupsPath)
                .map(dir -> CgroupFiles.readKey(dir.resolve("memory.oom_control"), "oom_kill"))
                .orElse(-1L);
    }

    @Override
    public List<Integer> pids(String cgroupsPath) {
        // runc puts the processes in every hierarchy; pids is the one meant for counting them
        for (String controller : List.of("pids", "memory", "cpuacct", "cpu")) {
            Optional<Path> dir = controllerDir(controller, cgroupsPath);
            if (dir.isPresent() && Files.isDirectory(dir.get())) {
                return CgroupTree.processes(dir.get());
            }
        }
        return List.of();
    }

    @Override
    public boolean exists(String cgroupsPath) {
        CgroupPath.validate(cgroupsPath);
        return allHierarchies().stream().anyMatch(mount -> Files.isDirectory(CgroupPath.under(mount, cgroupsPath)));
    }

    @Override
    public boolean removeIfEmpty(String cgroupsPath) {
        CgroupPath.validate(cgroupsPath);
        boolean gone = true;
        for (Path mount : allHierarchies()) {
            gone &= CgroupTree.remove(CgroupPath.under(mount, cgroupsPath));
        }
        return gone;
    }

    /** The directory of the cgroup in the hierarchy that carries {@code controller}, if that is mounted. */
    Optional<Path> controllerDir(String controller, String cgroupsPath) {
        CgroupPath.validate(cgroupsPath);
        return Optional.ofNullable(mounts.v1Controllers().get(controller))
                .map(mount -> CgroupPath.under(mount, cgroupsPath));
    }

    private List<Path> allHierarchies() {
        List<Path> all = new ArrayList<>(mounts.v1Hierarchies());
        mounts.unified().ifPresent(all::add);
        return all;
    }

    private static ContainerException gone(String cgroupsPath) {
        return new ContainerException("cgroup " + cgroupsPath + " does not exist (the container is not running)");
    }
}
