package dev.berth.runtime.cgroup;

import dev.berth.runtime.ContainerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** cgroup v1: a directory per controller (memory, cpuacct, pids, …), as on this project's hybrid hosts. */
public record CgroupV1(Path root) implements Cgroups {
    private static final List<String> CONTROLLERS = List.of("memory", "cpu", "cpuacct", "pids", "cpuset", "blkio", "devices",
            "freezer", "net_cls", "net_prio", "perf_event", "hugetlb", "rdma", "misc", "systemd", "unified");

    private Path dir(String controller, String cgroupsPath) {
        return root.resolve(controller).resolve(Cgroups.relative(cgroupsPath));
    }

    @Override
    public CgroupStats stats(String cgroupsPath) {
        Path memory = dir("memory", cgroupsPath);
        if (!Files.isDirectory(memory)) {
            throw new ContainerException("the container's cgroup is gone (" + memory + ")");
        }
        long usage = Cgroups.readLong(memory.resolve("memory.usage_in_bytes"), 0);
        long limit = Cgroups.readLong(memory.resolve("memory.limit_in_bytes"), Long.MAX_VALUE);
        long host = Cgroups.hostMemory();
        if (limit >= host || limit >= Long.MAX_VALUE / 2) {
            limit = host; // v1 says "unlimited" with a huge page-rounded number
        }
        long cache = Cgroups.keyed(memory.resolve("memory.stat"), "total_inactive_file", 0);
        long cpu = Cgroups.readLong(dir("cpuacct", cgroupsPath).resolve("cpuacct.usage"), 0);
        Path pids = dir("pids", cgroupsPath);
        long current = Cgroups.readLong(pids.resolve("pids.current"), 0);
        long pidsLimit = Cgroups.readLong(pids.resolve("pids.max"), 0);
        return new CgroupStats(usage, limit, cache, cpu, current, pidsLimit, oomKillCount(cgroupsPath), Cgroups.now());
    }

    @Override
    public long oomKillCount(String cgroupsPath) {
        return Cgroups.keyed(dir("memory", cgroupsPath).resolve("memory.oom_control"), "oom_kill", -1);
    }

    @Override
    public List<Integer> pids(String cgroupsPath) {
        return Cgroups.readPids(dir("pids", cgroupsPath).resolve("cgroup.procs"));
    }

    @Override
    public boolean exists(String cgroupsPath) {
        return Files.isDirectory(dir("memory", cgroupsPath)) || Files.isDirectory(dir("pids", cgroupsPath));
    }

    @Override
    public void removeIfEmpty(String cgroupsPath) {
        for (String controller : CONTROLLERS) {
            Path d = dir(controller, cgroupsPath);
            try {
                Files.deleteIfExists(d); // rmdir: the kernel refuses while processes remain
            } catch (IOException e) {
                // busy or absent: left for the next attempt
            }
        }
    }
}
