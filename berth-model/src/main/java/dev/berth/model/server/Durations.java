package dev.berth.model.server;

import dev.berth.model.ModelException;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Reads durations as people write them on a command line: {@code 2ms}, {@code 500us}, {@code 1.5s}, or ISO-8601. */
public final class Durations {
    private Durations() {
    }

    /**
     * @param option the option's name, for the error message
     * @throws ModelException when the text is not a duration or is negative
     */
    public static Duration parse(String text, String option) {
        String t = text.trim();
        try {
            Duration d;
            if (t.startsWith("PT") || t.startsWith("pt")) {
                d = Duration.parse(t);
            } else if (t.endsWith("ms")) {
                d = Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 2)) * 1e6));
            } else if (t.endsWith("us") || t.endsWith("µs")) {
                d = Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 2)) * 1e3));
            } else if (t.endsWith("s")) {
                d = Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1e9));
            } else {
                throw new ModelException(option + " '" + text + "' needs a unit: for example 2ms, 500us or 1s");
            }
            if (d.isNegative()) {
                throw new ModelException(option + " '" + text + "' is negative");
            }
            return d;
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new ModelException(option + " '" + text + "' is not a duration: write for example 2ms, 500us or 1s");
        }
    }
}
