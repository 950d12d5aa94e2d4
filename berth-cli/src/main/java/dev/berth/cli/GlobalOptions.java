package dev.berth.cli;

import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.StorePaths;
import java.nio.file.Path;

/** Options of the root command that every subcommand reads (set by picocli through {@link BerthCommand}). */
public final class GlobalOptions {
    static boolean debug;
    static Path root;

    private GlobalOptions() {
    }

    public static boolean debug() {
        return debug;
    }

    public static Path rootDir() {
        return root != null ? root.toAbsolutePath() : StorePaths.defaultRoot();
    }

    public static ImageStore store() {
        return ImageStore.open(rootDir());
    }
}
