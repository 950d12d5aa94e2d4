package dev.berth.cli.kube;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.kube.KubeException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the kube subcommands share: errors as one line with exit code 125, and durations as people write them. */
final class KubeCli {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    private KubeCli() {
    }

    /** Runs a command body; a KubeException is printed as one line and exits 125. */
    static Integer guarded(Callable<Integer> body) throws Exception {
        try {
            return body.call();
        } catch (KubeException e) {
            throw new CommandFailure(e.getMessage(), ExitCodes.BERTH_FAILED);
        }
    }

    /** {@code 5m}, {@code 90s}, {@code 1h30m}, {@code 500ms}, a number of seconds, or ISO-8601 ({@code PT5M}). */
    static Duration duration(String text, String option) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Duration d = null;
        if (t.matches("\\d+")) {
            d = Duration.ofSeconds(Long.parseLong(t));
        } else if (t.startsWith("pt") || t.startsWith("p")) {
            try {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                d = null;
            }
        } else if (!t.isEmpty()) {
            Matcher m = DURATION_PART.matcher(t);
            int end = 0;
            Duration sum = Duration.ZERO;
            while (m.find() && m.start() == end) {
                double n = Double.parseDouble(m.group(1));
                long millis = Math.round(n * switch (m.group(2)) {
                    case "h" -> 3_600_000;
                    case "m" -> 60_000;
                    case "s" -> 1_000;
                    default -> 1;
                });
                sum = sum.plusMillis(millis);
                end = m.end();
            }
            d = end == t.length() ? sum : null;
        }
        if (d == null || d.isNegative() || d.isZero()) {
            throw new KubeException(option + " '" + text + "' is not a duration: use for example 90s, 5m, 1h30m or 300");
        }
        return d;
    }
}
