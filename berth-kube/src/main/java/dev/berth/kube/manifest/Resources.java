package dev.berth.kube.manifest;

import dev.berth.kube.KubeException;

/**
 * The memory and CPU a model's container gets. Kubernetes receives each as both request and limit, so a model pod is in
 * the Guaranteed QoS class: the scheduler reserves what the model was sized for and its latency does not depend on
 * what its neighbours do.
 *
 * @param memoryBytes memory in bytes, or null for none
 * @param milliCpus CPU in thousandths of a CPU, or null for none
 */
public record Resources(Long memoryBytes, Long milliCpus) {
    /** No memory and no CPU given. */
    public static final Resources NONE = new Resources(null, null);

    public Resources {
        if (memoryBytes != null && memoryBytes <= 0) {
            throw new KubeException("memory must be more than 0 bytes, not " + memoryBytes);
        }
        if (milliCpus != null && milliCpus <= 0) {
            throw new KubeException("CPUs must be more than 0, not " + Quantities.cpu(milliCpus));
        }
    }

    /** This one's values, each replaced by the other's where the other has one (flags over image labels). */
    public Resources overriddenBy(Resources other) {
        return new Resources(other.memoryBytes != null ? other.memoryBytes : memoryBytes,
                other.milliCpus != null ? other.milliCpus : milliCpus);
    }

    public boolean isEmpty() {
        return memoryBytes == null && milliCpus == null;
    }
}
