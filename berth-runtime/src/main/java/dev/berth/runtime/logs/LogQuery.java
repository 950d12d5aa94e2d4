package dev.berth.runtime.logs;

import dev.berth.runtime.ContainerException;

import java.time.Instant;

/**
 * Which lines {@code berth logs} shows. As with Docker, {@code tail} picks the last lines of the whole log first,
 * and {@code since}/{@code until} then filter those.
 *
 * @param tail  how many lines from the end, -1 for all
 * @param since only lines logged at or after this instant, or null
 * @param until only lines logged at or before this instant, or null
 */
public record LogQuery(int tail, Instant since, Instant until) {

    public static final LogQuery ALL = new LogQuery(-1, null, null);

    public LogQuery {
        if (tail < -1) {
            throw new ContainerException("--tail must be a number of lines (0 or more) or \"all\", got " + tail);
        }
        if (since != null && until != null && until.isBefore(since)) {
            throw new ContainerException("--until (" + until + ") is before --since (" + since + ")");
        }
    }

    boolean admits(Instant time) {
        return (since == null || !time.isBefore(since)) && (until == null || !time.isAfter(until));
    }

    boolean isPastUntil(Instant time) {
        return until != null && time.isAfter(until);
    }
}
