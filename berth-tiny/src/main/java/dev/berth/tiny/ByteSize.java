package dev.berth.tiny;


import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as people write them: {@code 262144}, {@code 256K}, {@code 256KiB}, {@code 1MiB}, {@code 2 MB} (all binary). */
public final class ByteSize {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMG]?)(?:I?B)?");

    private ByteSize() {
    }

    public static long parse(String text) {
        Matcher m = FORM.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TinyException("'" + text + "' is not a size (like 262144, 256KiB or 1MiB)");
        }
        double value = Double.parseDouble(m.group(1));
        long unit = switch (m.group(2)) {
            case "K" -> 1024L;
            case "M" -> 1024L * 1024;
            case "G" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        return Math.round(value * unit);
    }

    /** A size for messages: bytes below 10 KiB, KiB with one decimal below 1 MiB, MiB with two above. */
    public static String format(long bytes) {
        if (bytes < 10 * 1024) {
            return bytes + " B";
        }
        if (bytes < 1024L * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.2f MiB", bytes / (1024.0 * 1024));
    }
}
