package dev.berth.build.engine;

import dev.berth.build.BuildException;
import dev.berth.build.cache.BuildCache;
import dev.berth.build.context.BuildContext;
import dev.berth.build.context.FileHashCache;
import dev.berth.build.dockerfile.ArgScope;
import dev.berth.build.dockerfile.Dockerfile;
import dev.berth.build.dockerfile.DockerfileParser;
import dev.berth.build.dockerfile.Stage;
import dev.berth.build.exec.Teardowns;
import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import dev.berth.oci.json.Json;
import dev.berth.oci.layer.WrittenLayer;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import dev.berth.oci.store.NameIndex;
import dev.berth.runtime.ContainerException;
import dev.berth.runtime.monitor.Runc;
import dev.berth.runtime.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Berth's Dockerfile builder: parses the Dockerfile, builds the stages the target needs (independent ones at the same
 * time), each step from the cache when its key is there, and stores the image: tagged, or by digest alone. RUN steps
 * run in containers made from Berth's runtime (overlay, runc bundle, runc). A failed or interrupted build leaves no
 * image, tag, container, mount or temporary directory.
 */
public final class Builder {
    private final Path berthRoot;
    private final ImageStore store;
    private final BuildListener listener;
    private final Teardowns teardowns = new Teardowns();

    public Builder(Path berthRoot, ImageStore store, BuildListener listener) {
        this.berthRoot = berthRoot;
        this.store = store;
        this.listener = listener;
    }

    /** Stops a running build (for Ctrl-C): kills its containers and takes down its mounts at once. */
    public void cancel() {
        teardowns.cancelAll();
    }

    /** Where RUN containers keep their runc state. */
    public static Path runcStateRoot(Path berthRoot) {
        return berthRoot.resolve("run").resolve("build-runc");
    }

    /** Where steps make their temporary directories. */
    public static Path workRoot(Path berthRoot) {
        return berthRoot.resolve("build-tmp");
    }

    public BuildResult build(BuildRequest request) {
        Trace.mark("build start");
        // The first JSON read of a process builds Jackson's deserializers (a large share of a cached rebuild): start it
        // on the store's index and one stored image while the Dockerfile is parsed and the context opened. Only a
        // warm-up: the build reads what it needs itself and reports its errors.
        Thread.ofVirtual().name("berth-build-warmup").start(() -> {
            try {
                List<NameIndex.Entry> entries = store.names().read();
                if (!entries.isEmpty()) {
                    // a manifest and a config: the largest readers, and their writers the export needs at the end
                    Image image = store.image(entries.getFirst().target(), List.of());
                    Json.canonicalBytes(image.config());
                    Json.canonicalBytes(image.manifest());
                }
            } catch (RuntimeException ignored) {
                // the build's own read of the index says what is wrong
            }
        });
        Dockerfile dockerfile = DockerfileParser.parse(request.dockerfileName(), request.dockerfileText());
        Trace.mark("parsed");
        Platform platform = request.platform() == null ? Platform.host() : Platforms.parse(request.platform(), null);
        ArgScope args = new ArgScope(dockerfile, request.buildArgs(),
                ArgScope.platformArgs(platform.toString(), Platform.host().toString()));
        List<Stage> needed = dockerfile.stagesNeededFor(
                request.target() == null || request.target().isEmpty() ? null : request.target(), args.globalLookup());
        Stage target = needed.getLast();
        Path workRoot = workRoot(berthRoot);
        try {
            Files.createDirectories(workRoot);
        } catch (IOException e) {
            throw new BuildException("cannot create " + workRoot + ": " + e.getMessage(), e);
        }
        Runc runc = new Runc(runcBinary(), runcStateRoot(berthRoot));
        BuildContext context = BuildContext.open(request.context(), request.dockerfilePath());
        FileHashCache hashes = FileHashCache.open(berthRoot.resolve("build-cache").resolve("file-hashes"));
        Trace.mark("context and file hashes opened");
        try (Lease lease = store.lease()) {
            BuildSession session = new BuildSession(request, dockerfile, store, SnapshotStore.open(berthRoot),
                    BuildCache.open(berthRoot, store), lease, runc, teardowns, workRoot, listener,
                    Times.of(request.sourceDateEpoch()), platform, args, dockerfile.stages().size() > 1, context,
                    hashes);
            StageResult result = runStages(session, needed, target);
            Trace.mark("stages built");
            hashes.save();
            if (!args.unusedBuildArgs().isEmpty()) {
                listener.warning("one or more build-args " + args.unusedBuildArgs() + " were not consumed");
            }
            listener.info("exporting the image");
            Descriptor manifest = assemble(session, result, lease);
            Trace.mark("assembled");
            Digest imageId = Digest.parse(store.image(manifest, List.of()).id().toString());
            List<String> tagged = new ArrayList<>();
            if (request.tags().isEmpty()) {
                store.addUntagged(manifest);
            }
            for (String tag : request.tags()) {
                Reference name = Reference.parse(tag);
                if (name.tag() == null) {
                    name = name.withTag(Reference.DEFAULT_TAG);
                }
                tag(name, manifest);
                tagged.add(name.familiar());
                listener.info("naming to " + name);
            }
            Trace.mark("tagged");
            return new BuildResult(manifest, imageId, tagged, session.steps.get(), session.cachedSteps.get());
        } catch (OciException | ContainerException e) {
            throw new BuildException(e.getMessage(), e);
        }
    }

    private static Path runcBinary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "runc");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin", "/usr/local/sbin")) {
            Path p = Path.of(dir, "runc");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return Path.of("runc"); // RUN steps fail with "cannot start runc" naming it
    }

    private StageResult runStages(BuildSession session, List<Stage> needed, Stage target) {
        AtomicReference<BuildException> firstFailure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (Stage stage : needed) {
            int index = stage.index();
            CompletableFuture<StageResult> future = new CompletableFuture<>();
            session.stages.put(index, future);
            threads.add(Thread.ofVirtual().name("berth-build-stage-" + index).unstarted(() -> {
                try {
                    future.complete(new StageBuilder(session, stage).build());
                } catch (Throwable t) {
                    BuildException failure = t instanceof BuildException b ? b
                            : new BuildException("stage " + stage.name().orElse(Integer.toString(stage.index()))
                                    + " failed: " + t, t);
                    if (firstFailure.compareAndSet(null, failure)) {
                        teardowns.cancelAll(); // stop the other stages' containers too
                    }
                    future.completeExceptionally(failure);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                teardowns.cancelAll();
                throw new BuildException("the build was interrupted");
            }
        }
        if (firstFailure.get() != null) {
            throw firstFailure.get();
        }
        return session.stages.get(target.index()).join();
    }

    private Descriptor assemble(BuildSession session, StageResult result, Lease lease) {
        ContainerConfig config = result.config();
        if (!session.request.labels().isEmpty()) {
            Map<String, String> labels = new TreeMap<>(config.labels() == null ? Map.of() : config.labels());
            labels.putAll(session.request.labels());
            config = config.withLabels(labels);
        }
        String created = session.times.reproducible() ? Instant.ofEpochSecond(session.times.epoch()).toString()
                : result.created() != null ? result.created() : session.times.now();
        Platform p = result.platform();
        ImageConfig image = new ImageConfig(created, result.author(), p.architecture(), p.os(), null, null, p.variant(),
                config, null, result.history());
        List<WrittenLayer> layers = new ArrayList<>();
        for (LayerRef l : result.layers()) {
            layers.add(new WrittenLayer(l.blob(), Digest.parse(l.diffId()), 0));
        }
        // As ImageAssembler.assemble (the same canonical config with the layers' diff_ids, the same manifest), but a
        // blob already in the store (a rebuild where nothing changed) is only held, not written and fsynced again.
        ImageConfig withLayers = new ImageConfig(image.created(), image.author(), image.architecture(), image.os(),
                image.osVersion(), image.osFeatures(), image.variant(), image.config(),
                ImageConfig.RootFs.layers(layers.stream().map(l -> l.diffId().toString()).toList()), image.history());
        Descriptor configDescriptor = putIfAbsent(lease, MediaTypes.OCI_CONFIG, Json.canonicalBytes(withLayers));
        Manifest manifest = Manifest.oci(configDescriptor, layers.stream().map(WrittenLayer::blob).toList(), null);
        return putIfAbsent(lease, MediaTypes.OCI_MANIFEST, Json.canonicalBytes(manifest));
    }

    private static Descriptor putIfAbsent(Lease lease, String mediaType, byte[] content) {
        Digest digest = Digest.sha256(content);
        if (lease.holdIfPresent(digest)) {
            return Descriptor.of(mediaType, digest, content.length);
        }
        return lease.put(mediaType, content);
    }

    /**
     * Names the image unless the name already points at it (and no unnamed root duplicates it): then the index would
     * be rewritten, under its lock and with an fsync, to the same content.
     */
    private void tag(Reference name, Descriptor manifest) {
        String full = name.repositoryOnly().withTag(name.tag()).toString();
        boolean named = false;
        for (NameIndex.Entry e : store.names().read()) {
            if (e.target().digest().equals(manifest.digest())) {
                if (!e.named()) {
                    named = false;
                    break;
                }
                named |= full.equals(e.name()) && e.target().equals(manifest.withAnnotations(null));
            }
        }
        if (!named) {
            store.tag(name, manifest);
        }
    }
}
