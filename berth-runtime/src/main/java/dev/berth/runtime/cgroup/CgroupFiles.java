package dev.berth.runtime.cgroup;

import dev.berth.runtime.ContainerException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Parsers for the small text files of cgroupfs. They are split from the file access so that the cgroup v2 formats,
 * which this v1 host cannot produce, can be checked against sample text.
 */
final class CgroupFiles {
    private CgroupFiles() {
    }

    /**
     * A "flat keyed" file (memory.stat, memory.events, cpu.stat, memory.oom_control, pids.events): one
     * {@code key value} pair a line. Lines that do not have that shape are skipped: kernels add fields over time.
     */
    static Map<String, Long> parseFlatKeyed(String text) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 2) {
                continue;
            }
            try {
                values.put(parts[0], Long.parseLong(parts[1]));
            } catch (NumberFormatException notANumber) {
                // e.g. a value "max": not a counter, skip it
            }
        }
        return values;
    }

    /**
     * A single-value file that may say "max" (v2 memory.max, pids.max, v1 pids.max): empty when it says "max".
     */
    static OptionalLong parseLimit(String text, String what) {
        String value = text.trim();
        if (value.equals("max")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(parseLong(value, what));
    }

    static long parseLong(String text, String what) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new ContainerException("unexpected content in " + what + ": \"" + text.trim() + "\"");
        }
    }

    /** The text of a control file, or null when the file (or its cgroup) does not exist. */
    static String readOrNull(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            // ENODEV and friends appear when the cgroup is removed while we read it
            if (!Files.exists(file)) {
                return null;
            }
            throw new ContainerException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The text of a control file that must exist because its cgroup does. */
    static String read(Path file) {
        String text = readOrNull(file);
        if (text == null) {
            throw new ContainerException("cannot read " + file + ": the cgroup is gone (has the container stopped?)");
        }
        return text;
    }

    static long readLong(Path file) {
        return parseLong(read(file), file.toString());
    }

    /** A key of a flat keyed file, or -1 when the file or the key is missing. */
    static long readKey(Path file, String key) {
        String text = readOrNull(file);
        if (text == null) {
            return -1;
        }
        return parseFlatKeyed(text).getOrDefault(key, -1L);
    }
}
