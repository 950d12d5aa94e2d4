package dev.berth.runtime.monitor;

import dev.berth.runtime.ContainerException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the programs containers need on the PATH, and says how to install one that is missing. */
public final class Tools {
    private Tools() {
    }

    /** The absolute path of {@code program}, or a ContainerException naming the Debian package that provides it. */
    public static Path require(String program, String debianPackage) {
        String override = System.getenv("BERTH_" + program.toUpperCase(java.util.Locale.ROOT));
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            if (Files.isExecutable(p)) {
                return p;
            }
            throw new ContainerException(program + " not found at " + override + " (set by BERTH_"
                    + program.toUpperCase(java.util.Locale.ROOT) + ")");
        }
        String path = System.getenv("PATH");
        String search = (path == null ? "" : path) + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        for (String dir : search.split(":")) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, program);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new ContainerException(program + " is not installed, and Berth needs it to run containers: install it with"
                + " `apt-get install " + debianPackage + "` (or run scripts/install-deps)");
    }
}
