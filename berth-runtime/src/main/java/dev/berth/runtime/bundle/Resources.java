package dev.berth.runtime.bundle;

/**
 * Resource limits from {@code --memory}, {@code --cpus} and {@code --pids-limit}.
 *
 * @param memoryBytes memory limit in bytes; 0 means none
 * @param nanoCpus    CPU share in billionths of a CPU ({@code --cpus 1.5} is 1_500_000_000); 0 means none
 * @param pidsLimit   most tasks the container may hold; 0 (or Docker's -1) means none
 */
public record Resources(long memoryBytes, long nanoCpus, long pidsLimit) {
    /** No limits at all. */
    public static final Resources NONE = new Resources(0, 0, 0);
}
