package dev.berth.runtime.logs;

import java.time.Instant;

/** Which lines: the last {@code tail} (-1 for all) of those written from {@code since} until {@code until} (null: open). */
public record LogQuery(int tail, Instant since, Instant until) {
    public static final LogQuery ALL = new LogQuery(-1, null, null);

    boolean inRange(Instant t) {
        return (since == null || !t.isBefore(since)) && (until == null || !t.isAfter(until));
    }
}
