package dev.berth.oci.layer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How to extract a layer.
 *
 * @param allowSpecialFiles create device nodes and FIFOs (with mknod/mkfifo) instead of refusing them
 * @param applyOwnership chown entries to their tar uid/gid (only root can)
 * @param overlayWhiteouts keep whiteouts as overlayfs whiteouts (a 0/0 character device, an opaque directory's
 *     {@code trusted.overlay.opaque} attribute) instead of applying them: for a layer unpacked alone into an empty
 *     directory that becomes one overlay lower directory among the image's others (needs root)
 */
public record ExtractOptions(boolean allowSpecialFiles, boolean applyOwnership, boolean overlayWhiteouts) {

    public ExtractOptions(boolean allowSpecialFiles, boolean applyOwnership) {
        this(allowSpecialFiles, applyOwnership, false);
    }

    /** Special files refused; ownership applied when running as root. */
    public static ExtractOptions defaults() {
        return new ExtractOptions(false, runningAsRoot());
    }

    public ExtractOptions withSpecialFiles(boolean allow) {
        return new ExtractOptions(allow, applyOwnership, overlayWhiteouts);
    }

    public ExtractOptions withOwnership(boolean apply) {
        return new ExtractOptions(allowSpecialFiles, apply, overlayWhiteouts);
    }

    public ExtractOptions withOverlayWhiteouts(boolean overlay) {
        return new ExtractOptions(allowSpecialFiles, applyOwnership, overlay);
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
