package dev.berth.runtime.cgroup;

import dev.berth.runtime.ContainerException;

import java.time.Duration;

/**
 * CPU use between two readings as Docker's "CPU %" shows it: container CPU time over wall time, times 100, so two
 * cores kept busy read 200%.
 *
 * @param percent the value (0 when either reading lacks CPU accounting)
 * @param window  the wall time between the two readings
 */
public record CpuPercent(double percent, Duration window) {

    /** Docker's --no-stream also waits for a second reading; Berth takes it this much later by default. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMillis(100);

    public static CpuPercent between(CgroupStats earlier, CgroupStats later) {
        Duration window = Duration.between(earlier.readAt(), later.readAt());
        if (window.isNegative() || window.isZero()) {
            throw new ContainerException("CPU percentage needs two readings in time order, "
                    + "got " + earlier.readAt() + " then " + later.readAt());
        }
        if (earlier.cpuUsageNanos() < 0 || later.cpuUsageNanos() < 0) {
            return new CpuPercent(0, window);
        }
        // the counter restarts when the cgroup is made again under the same path
        long cpuNanos = Math.max(0, later.cpuUsageNanos() - earlier.cpuUsageNanos());
        return new CpuPercent(cpuNanos * 100.0 / window.toNanos(), window);
    }

    /**
     * Reads the cgroup twice, {@code window} apart, and returns the second reading with the CPU use between them:
     * everything one row of {@code berth stats --no-stream} needs.
     */
    public static Sample measure(Cgroups cgroups, String cgroupsPath, Duration window) {
        CgroupStats first = cgroups.stats(cgroupsPath);
        try {
            Thread.sleep(window);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerException("interrupted while measuring CPU use", e);
        }
        CgroupStats second = cgroups.stats(cgroupsPath);
        return new Sample(second, between(first, second));
    }

    /** The latest reading and the CPU use that led up to it. */
    public record Sample(CgroupStats stats, CpuPercent cpu) {
    }
}
