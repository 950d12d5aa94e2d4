package dev.berth.cli.output;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Sizes and ages written as docker writes them ("4.27MB", "3 weeks ago"). */
public final class Units {
    private static final String[] DECIMAL = {"B", "kB", "MB", "GB", "TB", "PB"};

    private Units() {
    }

    /** Decimal units with about three significant digits, as docker's HumanSize. */
    public static String humanSize(long bytes) {
        double size = bytes;
        int unit = 0;
        while (size >= 1000 && unit < DECIMAL.length - 1) {
            size /= 1000;
            unit++;
        }
        String number = String.format(Locale.ROOT, "%.3g", size);
        if (number.contains(".")) {
            number = number.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return number + DECIMAL[unit];
    }

    /** "About an hour ago", "2 days ago"; an unparseable or missing time is "N/A". */
    public static String ago(String timestamp, Instant now) {
        if (timestamp == null || timestamp.isBlank()) {
            return "N/A";
        }
        Instant then;
        try {
            then = Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            try {
                then = java.time.OffsetDateTime.parse(timestamp).toInstant();
            } catch (DateTimeParseException e2) {
                return "N/A";
            }
        }
        return humanDuration(Duration.between(then, now)) + " ago";
    }

    /** docker's HumanDuration. */
    public static String humanDuration(Duration d) {
        long seconds = d.getSeconds();
        if (seconds < 1) {
            return "Less than a second";
        } else if (seconds == 1) {
            return "1 second";
        } else if (seconds < 60) {
            return seconds + " seconds";
        }
        long minutes = d.toMinutes();
        if (minutes == 1) {
            return "About a minute";
        } else if (minutes < 60) {
            return minutes + " minutes";
        }
        long hours = Math.round(d.toSeconds() / 3600.0);
        if (hours == 1) {
            return "About an hour";
        } else if (hours < 48) {
            return hours + " hours";
        } else if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        } else if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return hours / 24 / 365 + " years";
    }
}
