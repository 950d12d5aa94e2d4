package dev.berth.runtime.cgroup;

import dev.berth.runtime.ContainerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's cgroups as runc made them from a cgroupfs-style path ("/berth/ID"): on a cgroup v1 (or hybrid) host
 * one directory per controller under /sys/fs/cgroup/CONTROLLER, on a v2 host one directory in the unified tree.
 */
public sealed interface Cgroups permits CgroupV1, CgroupV2 {
    Path ROOT = Path.of("/sys/fs/cgroup");

    /** v2 when /sys/fs/cgroup itself is the unified hierarchy (it has cgroup.controllers), else v1. */
    static Cgroups detect() {
        return Files.exists(ROOT.resolve("cgroup.controllers")) ? new CgroupV2(ROOT) : new CgroupV1(ROOT);
    }

    CgroupStats stats(String cgroupsPath);

    /** How many times the kernel's OOM killer struck in this cgroup; -1 when the cgroup does not say. */
    long oomKillCount(String cgroupsPath);

    List<Integer> pids(String cgroupsPath);

    boolean exists(String cgroupsPath);

    /** Removes the cgroup's (empty) directories; absent ones are fine. */
    void removeIfEmpty(String cgroupsPath);

    static String relative(String cgroupsPath) {
        String p = cgroupsPath.startsWith("/") ? cgroupsPath.substring(1) : cgroupsPath;
        if (p.isEmpty() || p.contains("..")) {
            throw new ContainerException("invalid cgroup path '" + cgroupsPath + "'");
        }
        return p;
    }

    static long readLong(Path file, long fallback) {
        try {
            String s = Files.readString(file).strip();
            if (s.equals("max")) {
                return fallback;
            }
            return Long.parseLong(s);
        } catch (IOException | NumberFormatException e) {
            return fallback;
        }
    }

    /** The value of {@code key} in a flat keyed file ("key value" lines: memory.stat, memory.events, cpu.stat). */
    static long keyed(Path file, String key, long fallback) {
        try {
            for (String line : Files.readAllLines(file)) {
                int space = line.indexOf(' ');
                if (space > 0 && line.substring(0, space).equals(key)) {
                    return Long.parseLong(line.substring(space + 1).strip());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return fallback;
        }
        return fallback;
    }

    static List<Integer> readPids(Path procs) {
        if (!Files.exists(procs)) {
            throw new ContainerException("the container's cgroup is gone (" + procs.getParent() + ")");
        }
        List<Integer> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(procs)) {
                if (!line.isBlank()) {
                    pids.add(Integer.parseInt(line.strip()));
                }
            }
        } catch (IOException e) {
            throw new ContainerException("cannot read " + procs + ": " + e.getMessage(), e);
        }
        return pids;
    }

    static long hostMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // fall through
        }
        return Long.MAX_VALUE;
    }

    static Instant now() {
        return Instant.now();
    }
}
