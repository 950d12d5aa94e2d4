package dev.berth.runtime.cgroup;

import java.time.Instant;

/**
 * One reading of a container's cgroup. A field the kernel does not offer (controller not mounted or not enabled)
 * is -1.
 *
 * @param memoryUsageBytes charged memory, page cache included (v1 memory.usage_in_bytes, v2 memory.current)
 * @param memoryLimitBytes the limit, or the host's RAM when there is none (so usage/limit is always meaningful)
 * @param memoryCacheBytes inactive file cache, which the kernel reclaims first and Docker leaves out of "MEM USAGE"
 *                         (v1 total_inactive_file, v2 inactive_file of memory.stat)
 * @param cpuUsageNanos    CPU time used by all its processes since the cgroup was made (v1 cpuacct.usage, v2
 *                         cpu.stat usage_usec)
 * @param pidsCurrent      processes and threads in it now
 * @param pidsLimit        pids.max, 0 for unlimited
 * @param oomKills         processes the kernel OOM-killed in it
 * @param readAt           when it was read, for rates between two readings
 */
public record CgroupStats(long memoryUsageBytes, long memoryLimitBytes, long memoryCacheBytes, long cpuUsageNanos,
                          long pidsCurrent, long pidsLimit, long oomKills, Instant readAt) {

    /** Memory in use as Docker's "MEM USAGE" shows it: usage less the inactive file cache. */
    public long memoryUsedBytes() {
        if (memoryCacheBytes > 0 && memoryCacheBytes < memoryUsageBytes) {
            return memoryUsageBytes - memoryCacheBytes;
        }
        return memoryUsageBytes;
    }

    /** Used memory as a percentage of the limit ("MEM %"); 0 when the limit is unknown. */
    public double memoryPercent() {
        if (memoryLimitBytes <= 0 || memoryUsageBytes < 0) {
            return 0;
        }
        return memoryUsedBytes() * 100.0 / memoryLimitBytes;
    }
}
