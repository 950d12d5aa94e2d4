package dev.berth.tiny.fleet;

/**
 * What one of a device's two slots holds.
 *
 * @param health {@code healthy}, {@code failed} or {@code unchecked}
 * @param detail why a check failed, for the status table
 */
public record SlotState(String reference, String digest, String health, String detail) {
    public static final String HEALTHY = "healthy";
    public static final String FAILED = "failed";
    public static final String UNCHECKED = "unchecked";

    public boolean healthy() {
        return HEALTHY.equals(health);
    }

    SlotState withHealth(String newHealth, String newDetail) {
        return new SlotState(reference, digest, newHealth, newDetail);
    }
}
