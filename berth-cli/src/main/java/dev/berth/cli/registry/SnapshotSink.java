package dev.berth.cli.registry;

import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.store.ImageStore;
import dev.berth.registry.RegistryException;
import dev.berth.registry.client.LayerSink;
import dev.berth.runtime.snapshot.SnapshotStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Unpacks each pulled layer into the snapshot store as soon as it is stored, while the rest still download, so that a
 * pull ends soon after its last byte and the image's first container starts without unpacking anything.
 */
final class SnapshotSink implements LayerSink {
    private final ImageStore images;
    private final SnapshotStore snapshots;
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Future<?>> jobs = new ArrayList<>();
    private Manifest manifest;
    private List<String> diffIds;
    private List<String> chainIds;

    SnapshotSink(ImageStore images, Path root) {
        this.images = images;
        this.snapshots = SnapshotStore.open(root);
    }

    /** Unpacking keeps overlayfs whiteouts (device nodes, trusted.* attributes): only root can; others unpack at `run`. */
    static LayerSink forRoot(ImageStore images, Path root) {
        return "root".equals(System.getProperty("user.name")) ? new SnapshotSink(images, root) : LayerSink.NONE;
    }

    @Override
    public void begin(Manifest m, ImageConfig config) {
        this.manifest = m;
        this.diffIds = config.diffIds();
        this.chainIds = diffIds.size() == m.layers().size() ? SnapshotStore.chainIds(diffIds) : null;
    }

    @Override
    public void stored(Descriptor layer) {
        if (chainIds == null) {
            return; // an inconsistent image: `run` reports it
        }
        for (int i = 0; i < manifest.layers().size(); i++) {
            if (manifest.layers().get(i).digest().equals(layer.digest())) {
                int index = i;
                synchronized (jobs) {
                    jobs.add(pool.submit(() -> snapshots.unpackLayer(images, layer, diffIds.get(index), chainIds.get(index))));
                }
            }
        }
    }

    @Override
    public void finish() {
        try {
            List<Future<?>> all;
            synchronized (jobs) {
                all = List.copyOf(jobs);
            }
            for (Future<?> job : all) {
                job.get();
            }
        } catch (ExecutionException e) {
            throw new RegistryException("cannot unpack a pulled layer: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while unpacking pulled layers", e);
        } finally {
            pool.shutdown();
        }
    }
}
