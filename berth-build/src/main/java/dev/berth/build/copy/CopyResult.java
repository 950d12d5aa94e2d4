package dev.berth.build.copy;

import dev.berth.oci.layer.LayerEntry;
import java.util.List;

/**
 * What a COPY/ADD wrote into its output directory.
 *
 * @param entries every entry of the output directory with its owner as written, sorted: pass them to
 *     {@code LayerWriter.writeEntries} (not {@code writeTree}, which stamps one owner on everything)
 * @param files regular files written (an extracted archive counts once)
 * @param bytes content bytes read to write them
 */
public record CopyResult(List<LayerEntry> entries, long files, long bytes) {
    public CopyResult {
        entries = List.copyOf(entries);
    }
}
