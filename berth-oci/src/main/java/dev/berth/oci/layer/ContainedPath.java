package dev.berth.oci.layer;

import dev.berth.oci.OciException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A path inside a root filesystem resolved as a process chrooted there would see it: symlinks (absolute ones
 * included) are followed inside the root and can never lead out of it. For copying files in and out of containers.
 */
public final class ContainedPath {
    private ContainedPath() {
    }

    /**
     * The host path for {@code path} (absolute, as seen in the container) under {@code root}. Every directory on the way
     * is resolved; the final component is not followed (a symlink there is the link itself). Null if a directory on the
     * way does not exist.
     */
    public static Path resolve(Path root, String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        try {
            SafeRoot safe = new SafeRoot(root.toRealPath());
            if (parts.isEmpty()) {
                return safe.root();
            }
            String last = parts.getLast();
            Path parent = safe.directory(parts.subList(0, parts.size() - 1), false, path);
            if (parent == null) {
                return null;
            }
            if (last.equals("..")) {
                return parent.equals(safe.root()) ? parent : parent.getParent();
            }
            return parent.resolve(last);
        } catch (IOException e) {
            throw new OciException("cannot resolve " + path + ": " + e.getMessage(), e);
        }
    }

    /** Like {@link #resolve}, but a symlink in the final component is followed too (inside the root). */
    public static Path resolveFollowing(Path root, String path) {
        try {
            SafeRoot safe = new SafeRoot(root.toRealPath());
            List<String> parts = new ArrayList<>(List.of(path.split("/")));
            return safe.directoryOrFile(parts, path);
        } catch (IOException e) {
            throw new OciException("cannot resolve " + path + ": " + e.getMessage(), e);
        }
    }
}
