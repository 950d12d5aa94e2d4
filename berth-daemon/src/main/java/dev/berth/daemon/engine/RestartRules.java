package dev.berth.daemon.engine;

import dev.berth.daemon.api.HostConfig.RestartPolicy;

/**
 * Docker's restart policies. "on-failure[:N]" restarts after a non-zero exit, at most N times (N = 0: no limit);
 * "always" and "unless-stopped" restart after any exit; none restarts a container stopped by hand. The delay doubles
 * from 100 ms with each restart in a row, and starts again from 100 ms once a run lasted 10 seconds.
 */
final class RestartRules {
    private static final long FIRST_DELAY_MILLIS = 100;
    private static final long MAX_DELAY_MILLIS = 60_000;
    private static final long RESET_AFTER_NANOS = 10_000_000_000L;

    private RestartRules() {
    }

    static boolean shouldRestart(RestartPolicy policy, StoredState state, int exitCode) {
        if (state.manuallyStopped()) {
            return false;
        }
        return switch (policy.name()) {
            case "always", "unless-stopped" -> true;
            case "on-failure" -> exitCode != 0
                    && (policy.maximumRetryCount() <= 0 || state.restartCount() < policy.maximumRetryCount());
            default -> false;
        };
    }

    /** After a daemon start: "always" brings a container back whatever stopped it; "unless-stopped" unless a user did. */
    static boolean restartOnDaemonStart(RestartPolicy policy, StoredState state) {
        return switch (policy.name()) {
            case "always" -> state.state().restarting() || (!state.manuallyStopped() && !state.state().startedAt().startsWith("0001"));
            case "unless-stopped" -> !state.manuallyStopped() && !state.state().startedAt().startsWith("0001");
            default -> false;
        };
    }

    static long backoffMillis(int restartCount, long lastStartNanos) {
        if (lastStartNanos != 0 && System.nanoTime() - lastStartNanos > RESET_AFTER_NANOS) {
            return FIRST_DELAY_MILLIS;
        }
        long delay = FIRST_DELAY_MILLIS << Math.min(restartCount, 10);
        return Math.min(delay, MAX_DELAY_MILLIS);
    }
}
