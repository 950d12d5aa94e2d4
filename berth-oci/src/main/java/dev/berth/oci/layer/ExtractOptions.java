package dev.berth.oci.layer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How to extract a layer.
 *
 * @param allowSpecialFiles create device nodes and FIFOs (with mknod/mkfifo) instead of refusing them
 * @param applyOwnership chown entries to their tar uid/gid (only root can)
 */
public record ExtractOptions(boolean allowSpecialFiles, boolean applyOwnership) {

    /** Special files refused; ownership applied when running as root. */
    public static ExtractOptions defaults() {
        return new ExtractOptions(false, runningAsRoot());
    }

    public ExtractOptions withSpecialFiles(boolean allow) {
        return new ExtractOptions(allow, applyOwnership);
    }

    public ExtractOptions withOwnership(boolean apply) {
        return new ExtractOptions(allowSpecialFiles, apply);
    }

    /** /proc/self belongs to the process's effective uid. */
    static boolean runningAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (Exception e) {
            return false;
        }
    }
}
