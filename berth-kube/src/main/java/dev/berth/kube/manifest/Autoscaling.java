package dev.berth.kube.manifest;

import dev.berth.kube.KubeException;

/**
 * A HorizontalPodAutoscaler's bounds and its CPU target.
 *
 * @param minReplicas the fewest replicas, at least 1
 * @param maxReplicas the most replicas, at least {@code minReplicas}
 * @param cpuTargetPercent average CPU use, in percent of the CPU request, that the autoscaler holds the pods at
 */
public record Autoscaling(int minReplicas, int maxReplicas, int cpuTargetPercent) {
    /** Leaves headroom for a burst while the autoscaler adds pods. */
    public static final int DEFAULT_CPU_TARGET = 70;

    public Autoscaling {
        if (minReplicas < 1) {
            throw new KubeException("--min must be at least 1, not " + minReplicas);
        }
        if (maxReplicas < minReplicas) {
            throw new KubeException("--max (" + maxReplicas + ") must be at least --min (" + minReplicas + ")");
        }
        // The request is also the limit (see Resources), so use above 100% of it cannot happen: such a target never scales.
        if (cpuTargetPercent < 1 || cpuTargetPercent > 100) {
            throw new KubeException("--cpu-target must be a percentage from 1 to 100 of the CPU request, not " + cpuTargetPercent);
        }
    }
}
