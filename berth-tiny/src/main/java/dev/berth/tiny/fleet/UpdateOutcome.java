package dev.berth.tiny.fleet;

/** What one device did in a rollout or rollback. */
public record UpdateOutcome(String device, Result result, String detail) {
    public enum Result {
        /** The new container is installed, active and healthy. */
        UPDATED,
        /** The new container failed its health check; the device went back to the previous slot. */
        ROLLED_BACK,
        /** The download, its verification or the device budget refused the container; nothing changed. */
        REJECTED,
        /** Nothing to do (already running it, or the canary stopped the rollout). */
        UNCHANGED
    }
}
