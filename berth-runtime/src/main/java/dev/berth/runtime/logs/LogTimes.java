package dev.berth.runtime.logs;

import dev.berth.runtime.ContainerException;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the values {@code berth logs --since/--until} accept, the forms Docker accepts: an RFC 3339 date or
 * timestamp (its time and zone optional; without a zone it is local time), a Unix timestamp with an optional
 * fraction, or a duration before now in Go's syntax ("10m", "1h30m", "1.5h", "250ms").
 */
public final class LogTimes {
    private static final Pattern UNIX = Pattern.compile("(\\d+)(?:\\.(\\d{1,9}))?");
    private static final Pattern TIMESTAMP = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})"
                    + "(?:[Tt ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?)?"
                    + "([Zz]|[+-]\\d{2}:\\d{2})?");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    private LogTimes() {
    }

    /** The instant {@code value} means, with {@code now} for durations and the system zone for local times. */
    public static Instant parse(String value, Instant now) {
        return parse(value, now, ZoneId.systemDefault());
    }

    public static Instant parse(String value, Instant now, ZoneId zone) {
        if (value == null || value.isBlank()) {
            throw invalid(String.valueOf(value), "it is empty");
        }
        String v = value.strip();
        try {
            Matcher unix = UNIX.matcher(v);
            if (unix.matches()) {
                long seconds = Long.parseLong(unix.group(1));
                String fraction = unix.group(2) == null ? "" : unix.group(2);
                long nanos = fraction.isEmpty() ? 0 : Long.parseLong((fraction + "00000000").substring(0, 9));
                return Instant.ofEpochSecond(seconds, nanos);
            }
            Matcher ts = TIMESTAMP.matcher(v);
            if (ts.matches()) {
                return timestamp(ts, zone);
            }
            Duration ago = duration(v);
            if (ago != null) {
                return now.minus(ago);
            }
        } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
            throw invalid(v, "it is out of range (" + e.getMessage() + ")");
        }
        throw invalid(v, "it is not a date, a timestamp or a duration");
    }

    private static Instant timestamp(Matcher ts, ZoneId zone) {
        LocalDate date = LocalDate.parse(ts.group(1));
        LocalTime time = LocalTime.MIDNIGHT;
        if (ts.group(2) != null) {
            int seconds = ts.group(4) == null ? 0 : Integer.parseInt(ts.group(4));
            String fraction = ts.group(5) == null ? "" : ts.group(5);
            int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
            time = LocalTime.of(Integer.parseInt(ts.group(2)), Integer.parseInt(ts.group(3)), seconds, nanos);
        }
        LocalDateTime local = LocalDateTime.of(date, time);
        String offset = ts.group(6);
        if (offset == null) {
            return local.atZone(zone).toInstant();
        }
        return local.toInstant(offset.equalsIgnoreCase("z") ? ZoneOffset.UTC : ZoneOffset.of(offset));
    }

    /** Go's duration syntax: an optional sign and one or more number-unit pairs; null when it is not one. */
    private static Duration duration(String v) {
        int sign = 1;
        String rest = v;
        if (rest.startsWith("-") || rest.startsWith("+")) {
            sign = rest.startsWith("-") ? -1 : 1;
            rest = rest.substring(1);
        }
        Matcher part = DURATION_PART.matcher(rest);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < rest.length()) {
            if (!part.find(at) || part.start() != at) {
                return null;
            }
            BigDecimal unit = switch (part.group(2)) {
                case "ns" -> BigDecimal.ONE;
                case "us", "µs", "μs" -> BigDecimal.valueOf(1_000L);
                case "ms" -> BigDecimal.valueOf(1_000_000L);
                case "s" -> BigDecimal.valueOf(1_000_000_000L);
                case "m" -> BigDecimal.valueOf(60_000_000_000L);
                default -> BigDecimal.valueOf(3_600_000_000_000L);
            };
            String number = part.group(1);
            nanos = nanos.add(new BigDecimal(number.endsWith(".") ? number + "0" : number).multiply(unit));
            at = part.end();
        }
        if (at == 0) {
            return null;
        }
        return Duration.ofNanos(nanos.longValueExact()).multipliedBy(sign);
    }

    private static ContainerException invalid(String value, String why) {
        return new ContainerException("invalid time \"" + value + "\": " + why + "; use an RFC 3339 date or "
                + "timestamp (2024-05-01, 2024-05-01T12:00:00Z), a Unix timestamp (1714564800.5) or a duration "
                + "before now (10m, 1h30m)");
    }
}
