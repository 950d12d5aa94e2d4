package dev.berth.daemon.engine;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.api.HostConfig;
import java.util.Locale;

/**
 * A container's log rotation: {@code max-size} (bytes after which a new file starts; Docker's units k, m, g) and
 * {@code max-file} (how many files are kept, the live one included). Without max-size there is one growing file.
 */
record LogOptions(long maxSize, int maxFiles) {
    static LogOptions of(HostConfig.LogConfig config) {
        String size = config.config().get("max-size");
        String files = config.config().get("max-file");
        long maxSize = size == null ? 0 : parseSize(size);
        int maxFiles = 1;
        if (files != null) {
            try {
                maxFiles = Integer.parseInt(files);
            } catch (NumberFormatException e) {
                maxFiles = 0;
            }
            if (maxFiles < 1) {
                throw new EngineException(EngineException.Kind.INVALID, "invalid max-file '" + files + "': it must be a number of at least 1");
            }
            if (maxSize == 0 && maxFiles > 1) {
                throw new EngineException(EngineException.Kind.INVALID, "max-file needs max-size to be set");
            }
        }
        return new LogOptions(maxSize, maxFiles);
    }

    static long parseSize(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.endsWith("k")) {
            unit = 1024;
        } else if (t.endsWith("m")) {
            unit = 1024 * 1024;
        } else if (t.endsWith("g")) {
            unit = 1024L * 1024 * 1024;
        }
        if (unit != 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            double v = Double.parseDouble(t);
            if (v <= 0 || Double.isNaN(v) || Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return (long) (v * unit);
        } catch (NumberFormatException e) {
            throw new EngineException(EngineException.Kind.INVALID, "invalid max-size '" + text + "': use a size like 10m");
        }
    }
}
