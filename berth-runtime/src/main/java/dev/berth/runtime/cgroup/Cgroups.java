package dev.berth.runtime.cgroup;

import dev.berth.runtime.ContainerException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the cgroups runc made for a container from the spec's cgroupsPath (cgroupfs style, e.g. "/berth/&lt;id&gt;"):
 * what it uses, whether the kernel OOM-killed in it, which processes it holds. On a v1 (or hybrid) host each
 * controller has its own hierarchy (/sys/fs/cgroup/memory/berth/&lt;id&gt;, .../pids/berth/&lt;id&gt;, ...); on a v2
 * host there is one tree (/sys/fs/cgroup/berth/&lt;id&gt;).
 */
public sealed interface Cgroups permits CgroupV1, CgroupV2 {

    /** Which cgroup version this host runs, from /proc/self/mountinfo. */
    static Cgroups detect() {
        String mountinfo;
        try {
            mountinfo = Files.readString(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            throw new ContainerException("cannot read /proc/self/mountinfo to find the cgroup file systems: "
                    + e.getMessage(), e);
        }
        return from(CgroupMounts.parse(mountinfo), HostMemory.totalBytes());
    }

    /** The implementation that fits these mounts; package-private so tests can point it at sample trees. */
    static Cgroups from(CgroupMounts mounts, long hostMemoryBytes) {
        if (mounts.isV2()) {
            return new CgroupV2(mounts.unified().orElseThrow(), hostMemoryBytes);
        }
        if (mounts.v1Controllers().isEmpty()) {
            throw new ContainerException("no cgroup file system is mounted (looked for cgroup and cgroup2 in "
                    + "/proc/self/mountinfo); containers need one");
        }
        return new CgroupV1(mounts, hostMemoryBytes);
    }

    /** 1 or 2. */
    int version();

    /** Usage now; throws {@link ContainerException} when the cgroup does not exist (any more). */
    CgroupStats stats(String cgroupsPath);

    /** How many processes the kernel OOM-killed in this cgroup; -1 when the kernel does not say (or it is gone). */
    long oomKillCount(String cgroupsPath);

    /** Every process in the cgroup and in cgroups below it; empty when the cgroup is gone. */
    List<Integer> pids(String cgroupsPath);

    /** True when the cgroup exists in at least one hierarchy. */
    boolean exists(String cgroupsPath);

    /**
     * Removes the cgroup (and empty cgroups below it) from every hierarchy, for leak cleanup after crashes. Absent
     * directories are fine. A cgroup that still holds processes stays: the result is then false.
     */
    boolean removeIfEmpty(String cgroupsPath);
}
