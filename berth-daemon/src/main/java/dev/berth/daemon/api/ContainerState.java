package dev.berth.daemon.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A container's state as Docker reports it. {@code Status} is one of created, running, restarting, exited, removing,
 * dead; times are RFC 3339 with nanoseconds, "0001-01-01T00:00:00Z" for never.
 */
public record ContainerState(
        @JsonProperty("Status") String status,
        @JsonProperty("Running") boolean running,
        @JsonProperty("Paused") boolean paused,
        @JsonProperty("Restarting") boolean restarting,
        @JsonProperty("OOMKilled") boolean oomKilled,
        @JsonProperty("Dead") boolean dead,
        @JsonProperty("Pid") int pid,
        @JsonProperty("ExitCode") int exitCode,
        @JsonProperty("Error") String error,
        @JsonProperty("StartedAt") String startedAt,
        @JsonProperty("FinishedAt") String finishedAt,
        @JsonProperty("Health") Health health) {

    public static final String NEVER = "0001-01-01T00:00:00Z";

    /** Health-check results (Docker's {@code State.Health}): Status is starting, healthy or unhealthy. */
    public record Health(@JsonProperty("Status") String status, @JsonProperty("FailingStreak") int failingStreak,
                         @JsonProperty("Log") List<HealthLog> log) {
    }

    public record HealthLog(@JsonProperty("Start") String start, @JsonProperty("End") String end,
                            @JsonProperty("ExitCode") int exitCode, @JsonProperty("Output") String output) {
    }
}
