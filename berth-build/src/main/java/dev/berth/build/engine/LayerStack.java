package dev.berth.build.engine;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.store.ImageStore;
import dev.berth.runtime.snapshot.SnapshotStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds (unpacking when needed) the snapshot directories of a stage's layers, to stack them as overlay lowers. */
final class LayerStack {
    private LayerStack() {
    }

    /** The unpacked directories of {@code layers}, bottom first. */
    static List<Path> lowers(SnapshotStore snapshots, ImageStore store, List<LayerRef> layers) {
        List<String> chain = SnapshotStore.chainIds(layers.stream().map(LayerRef::diffId).toList());
        List<Path> dirs = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            String chainId = chain.get(i);
            if (!snapshots.contains(chainId)) {
                snapshots.unpackLayer(store, layers.get(i).blob(), layers.get(i).diffId(), chainId);
            }
            dirs.add(snapshots.root().resolve(Digest.parse(chainId).encoded()).resolve("fs"));
        }
        return dirs;
    }

    /** The ChainID of the top of {@code layers}, or null without layers. */
    static String topChainId(List<LayerRef> layers) {
        if (layers.isEmpty()) {
            return null;
        }
        return SnapshotStore.chainIds(layers.stream().map(LayerRef::diffId).toList()).getLast();
    }
}
