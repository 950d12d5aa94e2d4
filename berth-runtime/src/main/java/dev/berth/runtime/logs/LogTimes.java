package dev.berth.runtime.logs;

import dev.berth.runtime.ContainerException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The times {@code logs --since/--until} accept, as Docker's: an RFC 3339 timestamp (with or without zone, date
 * only), a Unix timestamp with an optional fraction, or a duration back from now (10m, 1h30m, 45s, 1.5h).
 */
public final class LogTimes {
    private static final Pattern DURATION = Pattern.compile("((\\d+(\\.\\d+)?)(ns|us|µs|ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
    private static final Pattern UNIX = Pattern.compile("\\d+(\\.\\d{1,9})?");

    private LogTimes() {
    }

    /** Null for null or empty input. */
    public static Instant parse(String text, Instant now) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        if (UNIX.matcher(t).matches()) {
            BigDecimal seconds = new BigDecimal(t);
            long whole = seconds.longValue();
            long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
            return Instant.ofEpochSecond(whole, nanos);
        }
        if (DURATION.matcher(t.toLowerCase(Locale.ROOT)).matches()) {
            Duration total = Duration.ZERO;
            Matcher m = PART.matcher(t.toLowerCase(Locale.ROOT));
            while (m.find()) {
                BigDecimal amount = new BigDecimal(m.group(1));
                long nanosPerUnit = switch (m.group(2)) {
                    case "ns" -> 1L;
                    case "us", "µs" -> 1_000L;
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    default -> 3_600_000_000_000L;
                };
                total = total.plusNanos(amount.multiply(BigDecimal.valueOf(nanosPerUnit)).longValue());
            }
            return now.minus(total);
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the forms without a zone
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // try a date alone
        }
        try {
            return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new ContainerException("invalid time '" + text
                    + "': use an RFC 3339 timestamp (2026-11-24T17:00:00Z), a Unix timestamp, or a duration such as 10m");
        }
    }
}
