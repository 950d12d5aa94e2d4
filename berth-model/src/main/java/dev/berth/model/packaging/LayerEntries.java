package dev.berth.model.packaging;

import dev.berth.oci.layer.LayerEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers for the layer entry lists the packager puts together. */
final class LayerEntries {
    private LayerEntries() {
    }

    /** Directory entries for {@code path} and each of its parents ("opt", "opt/java", …), mode 0755, owned by root. */
    static List<LayerEntry> directories(String path) {
        List<LayerEntry> dirs = new ArrayList<>();
        StringBuilder prefix = new StringBuilder();
        for (String part : path.replaceAll("^/+|/+$", "").split("/")) {
            if (!prefix.isEmpty()) {
                prefix.append('/');
            }
            prefix.append(part);
            dirs.add(LayerEntry.directory(prefix.toString(), 0755));
        }
        return dirs;
    }

    /**
     * Entries of a scanned tree moved under {@code prefix}, with modes that do not depend on the umask of whoever
     * made the tree: directories 0755, executables 0755, other files 0644, all owned by root.
     */
    static List<LayerEntry> relocated(List<LayerEntry> scanned, String prefix) {
        String base = prefix.replaceAll("^/+|/+$", "");
        List<LayerEntry> out = new ArrayList<>(directories(base));
        for (LayerEntry e : scanned) {
            int mode = switch (e.kind()) {
                case DIRECTORY -> 0755;
                case FILE, HARD_LINK -> (e.mode() & 0100) != 0 ? 0755 : 0644;
                default -> e.mode();
            };
            out.add(new LayerEntry(base + "/" + e.path(), e.kind(), e.source(), e.content(),
                    e.kind() == LayerEntry.Kind.HARD_LINK ? base + "/" + e.linkTarget() : e.linkTarget(),
                    mode, 0, 0, e.devMajor(), e.devMinor()));
        }
        return out;
    }

    /** Merges lists in which the same directory may appear more than once (the first one wins). */
    static List<LayerEntry> merged(List<LayerEntry> entries) {
        Map<String, LayerEntry> byPath = new LinkedHashMap<>();
        for (LayerEntry e : entries) {
            LayerEntry previous = byPath.putIfAbsent(e.path(), e);
            if (previous != null && !(previous.kind() == LayerEntry.Kind.DIRECTORY && e.kind() == LayerEntry.Kind.DIRECTORY)) {
                throw new dev.berth.model.ModelException("two different entries for '" + e.path() + "' in one layer");
            }
        }
        return new ArrayList<>(byPath.values());
    }
}
