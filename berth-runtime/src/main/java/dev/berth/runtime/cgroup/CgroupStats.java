package dev.berth.runtime.cgroup;

import java.time.Instant;

/**
 * What a container's cgroup reports at one moment.
 *
 * @param memoryLimitBytes the limit, or the host's memory when unlimited
 * @param memoryCacheBytes inactive file cache, which Docker subtracts from usage
 * @param pidsLimit 0 when unlimited
 */
public record CgroupStats(long memoryUsageBytes, long memoryLimitBytes, long memoryCacheBytes, long cpuUsageNanos,
                          long pidsCurrent, long pidsLimit, long oomKills, Instant readAt) {
    /** Memory as Docker's stats shows it: usage minus inactive file cache. */
    public long memoryShownBytes() {
        return Math.max(0, memoryUsageBytes - memoryCacheBytes);
    }
}
