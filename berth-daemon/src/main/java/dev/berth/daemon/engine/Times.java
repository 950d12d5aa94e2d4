package dev.berth.daemon.engine;

import dev.berth.daemon.api.ContainerState;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** RFC 3339 with nanoseconds, as Docker writes times; Docker's zero time for "never". */
public final class Times {
    private Times() {
    }

    public static String format(Instant instant) {
        return instant == null ? ContainerState.NEVER : DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    public static Instant parse(String text) {
        if (text == null || text.isEmpty() || text.equals(ContainerState.NEVER)) {
            return null;
        }
        return Instant.parse(text);
    }
}
