package dev.berth.model.packaging;

import dev.berth.model.ModelException;
import dev.berth.model.ModelLabels;
import dev.berth.model.packaging.base.DebPackage;
import dev.berth.model.packaging.base.DebianBase;
import dev.berth.model.packaging.base.DebianPackages;
import dev.berth.model.packaging.base.JavaRuntime;
import dev.berth.model.packaging.base.Jdk;
import dev.berth.model.packaging.base.NamedBase;
import dev.berth.model.repository.ModelConfig;
import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.layer.LayerTree;
import dev.berth.oci.layer.WrittenLayer;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageAssembler;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code berth model package}: turns an ONNX file into an image that serves it, without a Dockerfile and without
 * running anything inside it (as Jib does for Java applications), straight into Berth's image store.
 *
 * <p>Four layers, from the least to the most often changed, so a new model version adds only the last one: a
 * distroless-style base of Debian packages, a jlinked Java runtime, the model server's jars, and the model with its
 * {@code config.json}. The first three depend only on their inputs and are made once (see {@link LayerCache}). Every
 * layer is reproducible (sorted entries, fixed owners and mtimes), and the config's time is SOURCE_DATE_EPOCH when set,
 * so the same model and flags give the same image digest.
 *
 * <p>The model is checked by loading it with ONNX Runtime before anything is written: a file that is not a valid model
 * leaves no trace in the store.
 */
public final class ModelPackager {
    /** Bump when the Java runtime layer's recipe changes. */
    private static final String JAVA_RECIPE = "berth-model-java-layer/1";

    private final ImageStore store;
    private final Path cache;
    private final ServerDistribution server;
    private final Consumer<String> progress;

    /**
     * @param server the server's jars, or null to find them on this JVM's class path
     * @param progress receives one line per step a user may wait on (downloads, jlink, layers); may be null
     */
    public ModelPackager(ImageStore store, ServerDistribution server, Consumer<String> progress) {
        this.store = store;
        this.cache = store.paths().root().resolve("cache").resolve("model-package");
        this.server = server;
        this.progress = progress == null ? line -> { } : progress;
    }

    public ModelPackager(ImageStore store) {
        this(store, null, null);
    }

    /** Where downloaded packages, module lists and layer cache entries are kept. */
    public Path cacheDirectory() {
        return cache;
    }

    public PackagedModel pack(PackageRequest request) {
        // Everything that can be refused is checked before a byte goes to the store.
        Reference reference = request.reference();
        String version = reference.tag();
        String modelName = request.effectiveModelName();
        Path model = request.model();
        progress.accept("Checking " + model + " with ONNX Runtime");
        ModelSignature signature = OnnxModelInspector.inspect(model);
        ModelConfig.Batching batching = request.batching();
        if (batching != null && !signature.batchable()) {
            TensorSpec fixed = signature.inputs().stream().filter(t -> !t.batchable()).findFirst().orElseThrow();
            throw new ModelException("dynamic batching needs a model whose inputs all have an open first dimension to stack "
                    + "requests along, but input '" + fixed.name() + "' of " + model + " has shape " + fixed.shape());
        }
        ModelConfig modelConfig = new ModelConfig(modelName, version, batching);
        String modelSha256 = Hashing.sha256(model);
        ServerDistribution serverJars = server != null ? server : ServerDistribution.locate();
        if (!serverJars.hasMainClass()) {
            throw new ModelException("berth-model's jar " + serverJars.jars().getFirst().path() + " has no model server ("
                    + ImageLayout.MAIN_CLASS + "), so the image could not start; rebuild Berth (./mvnw -pl berth-cli -am package)");
        }
        NamedBase named = request.baseImage() == null ? null : namedBase(request.baseImage());
        Jdk jdk = named != null && named.hasJava() ? findJdkOrNull() : Jdk.find();
        List<String> modules = jdk == null ? List.of() : modules(jdk, serverJars);
        boolean jlink = named == null || !named.javaHas(modules);
        List<DebPackage> packages = named == null ? new DebianPackages(cache.resolve("debs")).resolve(DebianBase.PACKAGES) : List.of();

        Path work;
        try {
            Files.createDirectories(cache);
            removeAbandonedWorkDirectories();
            work = Files.createTempDirectory(cache, "work-");
        } catch (IOException e) {
            throw new ModelException("cannot create a work directory in " + cache + ": " + e.getMessage(), e);
        }
        try (Lease lease = store.lease()) {
            LayerCache layers = new LayerCache(cache.resolve("layers"));
            List<PackagedModel.PackagedLayer> made = new ArrayList<>();
            List<ImageConfig.History> history = new ArrayList<>();
            String created = request.provenance().created().toString();
            String baseDescription;
            if (named == null) {
                LayerCache.Result base = layers.get(lease, "base-" + DebianBase.key(packages), () -> debianBase(lease, packages, work));
                add(made, history, "base", base, created);
                baseDescription = "debian: " + String.join(" ", packages.stream().map(DebPackage::pinned).toList());
            } else {
                Image image = named.image();
                for (int i = 0; i < image.manifest().layers().size(); i++) {
                    Descriptor blob = image.manifest().layers().get(i);
                    if (!lease.holdIfPresent(blob.digest())) {
                        throw new ModelException("layer " + blob.digest() + " of base image " + request.baseImage()
                                + " is missing from the store (run `berth system check`)");
                    }
                    made.add(new PackagedModel.PackagedLayer("base " + (i + 1), blob, Digest.parse(image.config().diffIds().get(i)),
                            0, true, "from " + request.baseImage()));
                }
                history.addAll(image.config().history());
                baseDescription = request.baseImage() + "@" + image.manifestDescriptor().digest();
            }
            String javaHome;
            String javaDescription;
            if (jlink) {
                String key = "java-" + Hashing.sha256(JAVA_RECIPE + "\n" + jdk.release() + "\n" + modules + "\n" + JavaRuntime.JLINK_OPTIONS);
                LayerCache.Result java = layers.get(lease, key, () -> javaRuntime(lease, jdk, modules, work));
                add(made, history, "java", java, created);
                javaHome = ImageLayout.JAVA_HOME;
                javaDescription = "jlink " + jdk.implementor() + " " + jdk.runtimeVersion() + ": " + String.join(",", modules);
            } else {
                javaHome = named.javaHome();
                javaDescription = "from the base image: Java " + named.javaVersion() + " at " + named.javaHome();
            }
            LayerCache.Result serverLayer = layers.get(lease, "server-" + ServerLayer.key(serverJars), () -> {
                progress.accept("Writing the model server layer");
                ServerLayer.Content content = ServerLayer.content(serverJars, work.resolve("server"));
                return CachedLayer.of(LayerCache.write(lease, content.entries()), content.createdBy(), content.comment());
            });
            add(made, history, "server", serverLayer, created);
            progress.accept("Writing the model layer");
            String modelDir = ModelLabels.MODEL_REPOSITORY.substring(1) + "/" + modelName;
            WrittenLayer modelLayer = LayerCache.write(lease, List.of(
                    LayerEntry.directory(ModelLabels.MODEL_REPOSITORY.substring(1), 0755),
                    LayerEntry.directory(modelDir, 0755),
                    LayerEntry.file(modelDir + "/" + ModelConfig.MODEL_FILE, model.toAbsolutePath(), 0644),
                    LayerEntry.file(modelDir + "/" + ModelConfig.FILE_NAME, modelConfig.toJson(), 0644)));
            add(made, history, "model", new LayerCache.Result(CachedLayer.of(modelLayer,
                    "berth model package: model " + modelName + " " + version,
                    ModelLabels.MODEL_REPOSITORY + "/" + modelName + "/" + ModelConfig.MODEL_FILE + " sha256:" + modelSha256), false), created);

            Map<String, String> labels = ModelImageConfig.labels(new ModelImageConfig.Facts(modelName, version, modelSha256, signature,
                    batching, request.resources(), request.provenance(), baseDescription, javaDescription));
            ContainerConfig config = ModelImageConfig.container(javaHome, serverJars, labels,
                    named == null ? null : named.image().config().containerConfig());
            ImageConfig imageConfig = new ImageConfig(created, request.provenance().builtBy(), "amd64", "linux", null, null, null,
                    config, null, history);
            Descriptor manifest = ImageAssembler.assemble(lease, imageConfig,
                    made.stream().map(l -> new WrittenLayer(l.blob(), l.diffId(), l.uncompressedSize())).toList(),
                    annotations(labels, named == null ? null : request.baseImage(), named));
            store.tag(reference, manifest);
            Image image = store.image(manifest, List.of());
            progress.accept("Packaged " + reference.familiar() + " (" + image.id() + ")");
            return new PackagedModel(reference, modelName, manifest, image.id(), signature, modelSha256, made);
        } catch (OciException e) {
            throw new ModelException(e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    private NamedBase namedBase(String name) {
        Image image;
        try {
            image = store.find(name).orElseThrow(() -> new ModelException("base image " + name
                    + " is not in the store: pull it first (berth pull " + name + ")"));
        } catch (OciException e) {
            throw new ModelException("--base " + name + ": " + e.getMessage(), e);
        }
        progress.accept("Reading base image " + name);
        return NamedBase.inspect(store, image, name);
    }

    private static Jdk findJdkOrNull() {
        try {
            return Jdk.find();
        } catch (ModelException none) {
            return null; // the named base's Java is used as it is
        }
    }

    private List<String> modules(Jdk jdk, ServerDistribution serverJars) {
        List<Path> own = new ArrayList<>();
        List<Path> libraries = new ArrayList<>();
        for (ServerDistribution.ServerJar jar : serverJars.jars()) {
            (jar.name().equals(ServerDistribution.OWN_JAR) || jar.name().startsWith("berth-") ? own : libraries).add(jar.path());
        }
        return JavaRuntime.modules(jdk, own, libraries, cache.resolve("modules"));
    }

    private CachedLayer debianBase(Lease lease, List<DebPackage> packages, Path work) {
        DebianPackages apt = new DebianPackages(cache.resolve("debs"));
        List<Path> debs = new ArrayList<>();
        for (DebPackage p : packages) {
            progress.accept("Fetching Debian package " + p.pinned());
            debs.add(apt.fetch(p));
        }
        progress.accept("Writing the base layer");
        DebianBase.Content content = DebianBase.content(packages, debs, work.resolve("base"));
        String createdBy = "berth model package: base of Debian packages " + String.join(" ", packages.stream().map(DebPackage::pinned).toList());
        String comment = String.join("; ", packages.stream().map(p -> p.name() + " " + p.version() + " sha256:" + p.sha256()).toList())
                + "; without documentation (copyright files kept), man pages, locales and iconv modules; users root and "
                + "nonroot (" + ImageLayout.NONROOT_UID + ")";
        return CachedLayer.of(LayerCache.write(lease, content.entries()), createdBy, comment);
    }

    private CachedLayer javaRuntime(Lease lease, Jdk jdk, List<String> modules, Path work) {
        progress.accept("Linking the Java runtime (jlink " + String.join(",", modules) + ")");
        Path output = work.resolve("jre");
        JavaRuntime.link(jdk, modules, output);
        progress.accept("Writing the Java runtime layer");
        List<LayerEntry> entries = LayerEntries.relocated(LayerTree.scan(output, 0, 0), ImageLayout.JAVA_HOME);
        String createdBy = "berth model package: Java runtime (jlink of " + jdk.implementor() + " " + jdk.runtimeVersion() + ")";
        String comment = "modules " + String.join(",", modules) + "; jlink " + String.join(" ", JavaRuntime.JLINK_OPTIONS)
                + "; at " + ImageLayout.JAVA_HOME;
        return CachedLayer.of(LayerCache.write(lease, entries), createdBy, comment);
    }

    private static void add(List<PackagedModel.PackagedLayer> made, List<ImageConfig.History> history, String role,
            LayerCache.Result result, String created) {
        CachedLayer layer = result.layer();
        made.add(new PackagedModel.PackagedLayer(role, layer.blob(), layer.diffId(), layer.uncompressedSize(), result.reused(),
                layer.createdBy()));
        history.add(new ImageConfig.History(created, layer.createdBy(), null, layer.comment(), null));
    }

    /** OCI's manifest annotations: the same provenance, visible in a registry without fetching the config. */
    private static Map<String, String> annotations(Map<String, String> labels, String baseName, NamedBase named) {
        Map<String, String> annotations = new TreeMap<>();
        for (String key : List.of(ModelLabels.CREATED, ModelLabels.OCI_VERSION, ModelLabels.REVISION, ModelLabels.SOURCE)) {
            if (labels.containsKey(key)) {
                annotations.put(key, labels.get(key));
            }
        }
        annotations.put("org.opencontainers.image.title", labels.get(ModelLabels.NAME));
        if (named != null) {
            annotations.put("org.opencontainers.image.base.name", baseName);
            annotations.put("org.opencontainers.image.base.digest", named.image().manifestDescriptor().digest().toString());
        }
        return annotations;
    }

    /** Work directories of packagings that were killed: an hour old is far beyond any packaging's run. */
    private void removeAbandonedWorkDirectories() throws IOException {
        java.time.Instant hourAgo = java.time.Instant.now().minus(java.time.Duration.ofHours(1));
        try (Stream<Path> list = Files.list(cache)) {
            for (Path dir : list.filter(p -> p.getFileName().toString().startsWith("work-")).toList()) {
                if (Files.getLastModifiedTime(dir).toInstant().isBefore(hourAgo)) {
                    deleteTree(dir);
                }
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // what is left only takes space under the cache directory; nothing reads it
        }
    }
}
