package dev.berth.oci.layer;

import dev.berth.oci.OciException;
import java.util.ArrayList;
import java.util.List;

/** Paths inside a layer: '/'-separated components, relative to the layer root, never climbing out of it. */
final class LayerPaths {
    private LayerPaths() {
    }

    /**
     * The components of a path Berth is asked to write. A leading '/' is accepted (a Dockerfile says /app) and
     * '.' and empty components are dropped; '..' is refused since a layer path never needs it.
     */
    static String normalizeForWriting(String path) {
        List<String> parts = split(path, "layer entry");
        if (parts.isEmpty()) {
            throw new OciException("layer entry '" + path + "' names the layer root itself");
        }
        return String.join("/", parts);
    }

    /**
     * The components of a name read from a layer. Absolute names are refused, not re-rooted: no legitimate layer
     * writer produces them, so they signal a hostile or broken archive. The empty list means the root ("./").
     */
    static List<String> normalizeForReading(String name) {
        if (name.startsWith("/")) {
            throw new OciException("refusing entry '" + TarReader.abbreviate(name) + "': absolute path");
        }
        return split(name, "entry");
    }

    private static List<String> split(String path, String what) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new OciException("refusing " + what + " '" + TarReader.abbreviate(path)
                        + "': '..' would climb out of the layer");
            }
            if (part.indexOf('\0') >= 0) {
                throw new OciException("refusing " + what + " '" + TarReader.abbreviate(path) + "': NUL in name");
            }
            parts.add(part);
        }
        return parts;
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
