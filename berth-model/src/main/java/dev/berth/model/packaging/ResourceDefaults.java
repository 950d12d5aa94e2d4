package dev.berth.model.packaging;

import dev.berth.model.ModelException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The limits a packaged model should run with unless a deployment says otherwise, recorded as labels.
 *
 * @param memoryBytes memory limit in bytes, or null for none
 * @param cpus CPU limit as a decimal number of CPUs ("1.5"), or null for none
 */
public record ResourceDefaults(Long memoryBytes, String cpus) {
    public static final ResourceDefaults NONE = new ResourceDefaults(null, null);
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?", Pattern.CASE_INSENSITIVE);
    /** Below this no JVM serves anything. */
    private static final long MIN_MEMORY = 64L << 20;

    public ResourceDefaults {
        if (memoryBytes != null && memoryBytes < MIN_MEMORY) {
            throw new ModelException("--memory " + memoryBytes + " bytes is too little for the model server: give at least 64m");
        }
        if (cpus != null && (!cpus.matches("\\d+(\\.\\d+)?") || new BigDecimal(cpus).signum() <= 0)) {
            throw new ModelException("--cpus '" + cpus + "' is not a positive number of CPUs (for example 1 or 0.5)");
        }
    }

    /** Parses Docker-style values: memory "256m", "1g", "512MiB", plain bytes; cpus "1.5". Either may be null. */
    public static ResourceDefaults parse(String memory, String cpus) {
        Long bytes = null;
        if (memory != null) {
            Matcher m = SIZE.matcher(memory.strip());
            if (!m.matches()) {
                throw new ModelException("--memory '" + memory + "' is not a size: use a number with an optional unit "
                        + "b, k, m or g (for example 256m)");
            }
            int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift)).longValue();
        }
        String normalizedCpus = cpus == null ? null : cpus.strip();
        if (normalizedCpus != null && normalizedCpus.matches("\\d+(\\.\\d+)?")) {
            normalizedCpus = new BigDecimal(normalizedCpus).stripTrailingZeros().toPlainString();
        }
        return new ResourceDefaults(bytes, normalizedCpus);
    }
}
