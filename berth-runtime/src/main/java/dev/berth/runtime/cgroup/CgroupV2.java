package dev.berth.runtime.cgroup;

import dev.berth.runtime.ContainerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** cgroup v2: one directory in the unified hierarchy (memory.current, memory.events, cpu.stat, pids.current). */
public record CgroupV2(Path root) implements Cgroups {
    private Path dir(String cgroupsPath) {
        return root.resolve(Cgroups.relative(cgroupsPath));
    }

    @Override
    public CgroupStats stats(String cgroupsPath) {
        Path d = dir(cgroupsPath);
        if (!Files.isDirectory(d)) {
            throw new ContainerException("the container's cgroup is gone (" + d + ")");
        }
        long host = Cgroups.hostMemory();
        long limit = Math.min(Cgroups.readLong(d.resolve("memory.max"), host), host);
        return new CgroupStats(Cgroups.readLong(d.resolve("memory.current"), 0), limit,
                Cgroups.keyed(d.resolve("memory.stat"), "inactive_file", 0),
                Cgroups.keyed(d.resolve("cpu.stat"), "usage_usec", 0) * 1000,
                Cgroups.readLong(d.resolve("pids.current"), 0), Cgroups.readLong(d.resolve("pids.max"), 0),
                oomKillCount(cgroupsPath), Cgroups.now());
    }

    @Override
    public long oomKillCount(String cgroupsPath) {
        return Cgroups.keyed(dir(cgroupsPath).resolve("memory.events"), "oom_kill", -1);
    }

    @Override
    public List<Integer> pids(String cgroupsPath) {
        return Cgroups.readPids(dir(cgroupsPath).resolve("cgroup.procs"));
    }

    @Override
    public boolean exists(String cgroupsPath) {
        return Files.isDirectory(dir(cgroupsPath));
    }

    @Override
    public void removeIfEmpty(String cgroupsPath) {
        try {
            Files.deleteIfExists(dir(cgroupsPath));
        } catch (IOException e) {
            // busy: left for the next attempt
        }
    }
}
