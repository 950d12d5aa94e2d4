package dev.berth.cli.container;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Docker's flag value formats: sizes (256m), CPU counts (1.5), durations (30s, 1m30s, 500ms). */
public final class Flags {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(b?)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h)");

    private Flags() {
    }

    /** Bytes for "256m", "1g", "512k", "1024" (units k, m, g, t: powers of 1024, as Docker's RAMInBytes). */
    public static long bytes(String flag, String value) {
        Matcher m = SIZE.matcher(value.strip());
        if (!m.matches()) {
            throw bad(flag, value, "a size such as 256m or 1g");
        }
        double n = Double.parseDouble(m.group(1));
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1024L;
            case "m" -> 1024L * 1024;
            case "g" -> 1024L * 1024 * 1024;
            case "t" -> 1024L * 1024 * 1024 * 1024;
            default -> 1L;
        };
        return (long) (n * unit);
    }

    /** Nanoseconds of CPU per second for "1.5". */
    public static long nanoCpus(String value) {
        try {
            double cpus = Double.parseDouble(value.strip());
            if (cpus < 0 || Double.isNaN(cpus) || Double.isInfinite(cpus)) {
                throw new NumberFormatException();
            }
            return Math.round(cpus * 1e9);
        } catch (NumberFormatException e) {
            throw bad("--cpus", value, "a number of CPUs such as 1.5");
        }
    }

    /** Nanoseconds for a Go-style duration ("30s", "1m30s", "500ms"); a bare 0 is zero. */
    public static long durationNanos(String flag, String value) {
        String v = value.strip();
        if (v.equals("0")) {
            return 0;
        }
        Matcher m = DURATION_PART.matcher(v);
        long total = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw bad(flag, value, "a duration such as 30s, 1m30s or 500ms");
            }
            end = m.end();
            double n = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            total += (long) (n * unit);
        }
        if (end != v.length() || end == 0) {
            throw bad(flag, value, "a duration such as 30s, 1m30s or 500ms");
        }
        return total;
    }

    public static CommandFailure bad(String flag, String value, String expected) {
        return new CommandFailure("invalid argument \"" + value + "\" for \"" + flag + "\" flag: expected " + expected,
                ExitCodes.BERTH_FAILED);
    }
}
