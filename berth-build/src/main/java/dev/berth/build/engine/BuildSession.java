package dev.berth.build.engine;

import dev.berth.build.BuildException;
import dev.berth.build.cache.BuildCache;
import dev.berth.build.context.BuildContext;
import dev.berth.build.context.FileHashCache;
import dev.berth.build.copy.CopyRequest;
import dev.berth.build.copy.CopySource;
import dev.berth.build.copy.CopyStep;
import dev.berth.build.dockerfile.Instruction;
import dev.berth.build.dockerfile.SourcePosition;
import dev.berth.build.exec.Teardowns;
import dev.berth.build.dockerfile.ArgScope;
import dev.berth.build.dockerfile.Dockerfile;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Platform;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.layer.LayerOptions;
import dev.berth.oci.layer.LayerWriter;
import dev.berth.oci.layer.WrittenLayer;
import dev.berth.oci.store.BlobWriter;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import dev.berth.runtime.monitor.Runc;
import dev.berth.runtime.snapshot.SnapshotStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Everything the stages of one build share: the store and its lease, the cache, the runtime, the clock. */
final class BuildSession {
    final BuildRequest request;
    final Dockerfile dockerfile;
    final ImageStore store;
    final SnapshotStore snapshots;
    final BuildCache cache;
    final Lease lease;
    final Runc runc;
    final Teardowns teardowns;
    final Path workRoot;
    final BuildListener listener;
    final Times times;
    final Platform targetPlatform;
    final BaseImages baseImages;
    final ArgScope args;
    /** Built stages by index, each completed once its last step is done. */
    final Map<Integer, CompletableFuture<StageResult>> stages = new ConcurrentHashMap<>();
    final AtomicInteger steps = new AtomicInteger();
    final AtomicInteger cachedSteps = new AtomicInteger();
    final AtomicInteger stepIds = new AtomicInteger();
    final boolean multiStage;
    final BuildContext context;
    final FileHashCache hashes;

    BuildSession(BuildRequest request, Dockerfile dockerfile, ImageStore store, SnapshotStore snapshots, BuildCache cache,
                 Lease lease, Runc runc, Teardowns teardowns, Path workRoot, BuildListener listener, Times times,
                 Platform targetPlatform, ArgScope args, boolean multiStage, BuildContext context,
                 FileHashCache hashes) {
        this.request = request;
        this.dockerfile = dockerfile;
        this.store = store;
        this.snapshots = snapshots;
        this.cache = cache;
        this.lease = lease;
        this.runc = runc;
        this.teardowns = teardowns;
        this.workRoot = workRoot;
        this.listener = listener;
        this.times = times;
        this.targetPlatform = targetPlatform;
        this.args = args;
        this.multiStage = multiStage;
        this.context = context;
        this.hashes = hashes;
        this.baseImages = new BaseImages(store, lease, request.pull(), request.baseImagePins());
    }

    /** Writes entries as a new layer blob under the build's lease. */
    LayerRef writeLayer(List<LayerEntry> entries) {
        try (BlobWriter writer = lease.writer()) {
            WrittenLayer layer = LayerWriter.writeEntries(entries, writer, LayerOptions.defaults().withMtime(times.layerMtime()));
            Descriptor blob = writer.commit(layer.blob().mediaType(), layer.blob().digest(), layer.blob().size());
            return new LayerRef(blob, layer.diffId().toString());
        }
    }

    /** The unpacked directories of {@code layers}, for a container's or a view's overlay. */
    List<Path> lowers(List<LayerRef> layers) {
        return LayerStack.lowers(snapshots, store, layers);
    }

    /** A COPY or ADD request with the build's policies: modes normalized when reproducible, URLs pinned by the lock. */
    CopyRequest copyPolicies(CopyRequest r) {
        return r.withNormalizedModes(times.reproducible()).withPinnedDigests(request.urlPins());
    }

    /** The digest of a context path (file or directory, .dockerignore applied), for a RUN bind mount's cache key. */
    String contextDigest(String source, SourcePosition at) {
        Instruction.CopySpec spec = new Instruction.CopySpec(List.of(source.isEmpty() ? "." : source), "/mnt/", null,
                null, false, false, List.of(), List.of());
        CopyRequest r = new CopyRequest("RUN --mount", at, new CopySource.Context(context), spec, "/", false, null,
                false, Map.of());
        try (CopyStep step = CopyStep.prepare(r, hashes)) {
            return step.sourceDigest();
        }
    }

    void checkCancelled() {
        if (teardowns.cancelled()) {
            throw new BuildException("the build was cancelled");
        }
    }
}
