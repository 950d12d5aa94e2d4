package dev.berth.kube.manifest;

import dev.berth.kube.KubeException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory and CPU amounts as users type them and as Kubernetes writes them. Memory takes Berth's (and Docker's) binary
 * suffixes, {@code 512m} or {@code 1g}, as {@code berth run --memory} does, and Kubernetes' {@code 512Mi} or {@code 1Gi};
 * a lower-case {@code m} therefore means mebibytes here, never Kubernetes' thousandths. CPUs are a decimal count
 * ({@code 1.5}) or Kubernetes' millicores ({@code 500m}).
 */
public final class Quantities {
    private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(|b|k|kb|m|mb|g|gb|t|tb|ki|mi|gi|ti)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CPUS = Pattern.compile("(\\d+(?:\\.\\d+)?)(m?)");
    private static final String[] BINARY_SUFFIXES = {"Ki", "Mi", "Gi", "Ti", "Pi"};

    private Quantities() {
    }

    /** Bytes from {@code 512m}, {@code 1.5g}, {@code 512Mi} or a plain count of bytes. */
    public static long parseMemory(String text, String what) {
        Matcher m = MEMORY.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new KubeException(what + " '" + text + "' is not a memory size: use bytes or a number with b, k, m, g, t"
                    + " (binary, as in 512m or 1.5g) or Ki, Mi, Gi, Ti (as in 512Mi)");
        }
        String suffix = m.group(2).toLowerCase(Locale.ROOT);
        int power = switch (suffix.isEmpty() ? ' ' : suffix.charAt(0)) {
            case ' ', 'b' -> 0;
            case 'k' -> 1;
            case 'm' -> 2;
            case 'g' -> 3;
            default -> 4;
        };
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1024).pow(power));
        try {
            long whole = bytes.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
            if (whole <= 0) {
                throw new KubeException(what + " '" + text + "' must be at least one byte");
            }
            return whole;
        } catch (ArithmeticException e) {
            throw new KubeException(what + " '" + text + "' is too large");
        }
    }

    /** Thousandths of a CPU from {@code 1.5} or {@code 500m}; Kubernetes cannot express less than one thousandth. */
    public static long parseCpus(String text, String what) {
        Matcher m = CPUS.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new KubeException(what + " '" + text + "' is not a CPU count: use a number of CPUs (1.5) or millicores (500m)");
        }
        BigDecimal milli = new BigDecimal(m.group(1));
        if (m.group(2).isEmpty()) {
            milli = milli.multiply(BigDecimal.valueOf(1000));
        }
        try {
            long whole = milli.stripTrailingZeros().longValueExact();
            if (whole <= 0) {
                throw new KubeException(what + " '" + text + "' must be more than 0");
            }
            return whole;
        } catch (ArithmeticException e) {
            throw new KubeException(what + " '" + text + "' is finer than Kubernetes allows (one thousandth of a CPU, 1m)"
                    + " or too large");
        }
    }

    /** Kubernetes' form of a byte count: the largest binary suffix that divides it exactly ({@code 512Mi}). */
    public static String memory(long bytes) {
        String suffix = "";
        long value = bytes;
        for (String s : BINARY_SUFFIXES) {
            if (value % 1024 != 0) {
                break;
            }
            value /= 1024;
            suffix = s;
        }
        return value + suffix;
    }

    /** Kubernetes' form of a CPU amount: whole CPUs as a number ({@code 2}), others in millicores ({@code 1500m}). */
    public static String cpu(long milliCpus) {
        return milliCpus % 1000 == 0 ? Long.toString(milliCpus / 1000) : milliCpus + "m";
    }
}
