package dev.berth.model.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.ModelException;
import dev.berth.model.ModelLabels;
import dev.berth.model.packaging.provenance.Provenance;
import dev.berth.model.repository.ModelConfig;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.layer.Compressors;
import dev.berth.oci.layer.ExtractOptions;
import dev.berth.oci.layer.LayerExtractor;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Packaging for real: Debian packages fetched with apt-get, the runtime linked with jlink, ONNX Runtime checking the
 * model, layers written into a real image store, and the result run with chroot.
 */
class ModelPackagerTest {
    private static final Instant CREATED = Instant.parse("2026-03-01T12:00:00Z");
    private static Path work;
    private static ImageStore store;
    private static PackagedModel v1;

    @BeforeAll
    static void packageTheFirstVersion() throws Exception {
        work = Files.createTempDirectory(Path.of("/tmp"), "berth-model-package-");
        store = ImageStore.open(work.resolve("root"));
        Path model = OnnxModels.write(work.resolve("models/classifier.onnx"), OnnxModels.classifier(1, true));
        v1 = packager(store).pack(request(model, "iris:1", null));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        new ProcessBuilder("rm", "-rf", "--one-file-system", work.toString()).start().waitFor();
    }

    /** A packager that logs its steps with the time since it started, to see in the test's output where time goes. */
    static ModelPackager packager(ImageStore into) {
        long start = System.nanoTime();
        return new ModelPackager(into, null, line -> System.out.printf("%6d ms  %s%n", (System.nanoTime() - start) / 1_000_000, line));
    }

    static PackageRequest request(Path model, String tag, ModelConfig.Batching batching) {
        return new PackageRequest(model, tag, null, null, batching, ResourceDefaults.parse("256m", "1.5"),
                new Provenance("tester@test-host", "0.1.0-test", CREATED, null));
    }

    @Test
    void theImageHasBaseJavaServerAndModelLayersAndSaysWhatItServes() {
        assertThat(v1.layers()).extracting(PackagedModel.PackagedLayer::role).containsExactly("base", "java", "server", "model");
        Image image = store.resolve("iris:1");
        assertThat(image.id()).isEqualTo(v1.imageId());
        assertThat(image.config().os()).isEqualTo("linux");
        assertThat(image.config().architecture()).isEqualTo("amd64");
        assertThat(image.config().created()).isEqualTo("2026-03-01T12:00:00Z");

        ContainerConfig config = image.config().containerConfig();
        assertThat(config.user()).isEqualTo("65532:65532");
        assertThat(config.exposedPorts()).containsOnlyKeys("8080/tcp");
        assertThat(config.entrypoint().getFirst()).isEqualTo("/opt/java/openjdk/bin/java");
        assertThat(config.entrypoint()).contains("-Donnxruntime.native.path=/opt/berth/native")
                .endsWith("dev.berth.model.server.ServerMain");
        assertThat(config.cmd()).containsExactly("--model-repository", "/models", "--port", "8080");
        assertThat(config.env()).contains("JAVA_HOME=/opt/java/openjdk");

        Map<String, String> labels = config.labels();
        assertThat(labels).containsEntry(ModelLabels.NAME, "iris").containsEntry(ModelLabels.VERSION, "1")
                .containsEntry(ModelLabels.OCI_VERSION, "1")
                .containsEntry(ModelLabels.SHA256, v1.modelSha256())
                .containsEntry(ModelLabels.INPUTS, "[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[-1,4]}]")
                .containsEntry(ModelLabels.OUTPUTS, "[{\"name\":\"scores\",\"datatype\":\"FP32\",\"shape\":[-1,3]},"
                        + "{\"name\":\"label\",\"datatype\":\"INT64\",\"shape\":[-1]}]")
                .containsEntry(ModelLabels.PORT, "8080")
                .containsEntry(ModelLabels.MEMORY, Long.toString(256L << 20))
                .containsEntry(ModelLabels.CPUS, "1.5")
                .containsEntry(ModelLabels.BUILT_BY, "tester@test-host")
                .containsEntry(ModelLabels.BERTH_VERSION, "0.1.0-test")
                .containsEntry(ModelLabels.CREATED, "2026-03-01T12:00:00Z")
                .doesNotContainKey(ModelLabels.BATCH_MAX_SIZE)
                .doesNotContainKey(ModelLabels.REVISION);
        assertThat(labels.get(ModelImageConfig.BASE_LABEL)).startsWith("debian: libc6=").contains("libstdc++6=");
        assertThat(labels.get(ModelImageConfig.JAVA_LABEL)).startsWith("jlink ").contains(": java.base,java.logging")
                .doesNotContain("java.desktop").doesNotContain("java.sql").doesNotContain("java.xml");
        assertThat(v1.modelSha256()).isEqualTo(Hashing.sha256(work.resolve("models/classifier.onnx")));

        assertThat(image.config().history()).hasSize(4);
        assertThat(image.config().history().get(0).createdBy()).startsWith("berth model package: base of Debian packages libc6=");
        assertThat(image.config().history().get(0).comment()).contains("libc6 ").contains("sha256:");
        assertThat(image.config().history().get(1).createdBy()).startsWith("berth model package: Java runtime (jlink of ");
        assertThat(image.config().history().get(2).createdBy()).startsWith("berth model package: model server");
        assertThat(image.config().history().get(3).createdBy()).isEqualTo("berth model package: model iris 1");
    }

    @Test
    void theModelLayerHoldsTheModelAndItsConfigAndTheServerLayerHoldsOnlyLinuxX64Natives() throws Exception {
        Path rootfs = unpack(store.resolve("iris:1"), work.resolve("unpacked-layout"));
        assertThat(rootfs.resolve("models/iris/model.onnx")).hasSameBinaryContentAs(work.resolve("models/classifier.onnx"));
        assertThat(ModelConfig.read(rootfs.resolve("models/iris/config.json"))).isEqualTo(new ModelConfig("iris", "1", null));
        assertThat(rootfs.resolve("opt/berth/native/libonnxruntime.so")).isRegularFile();
        assertThat(rootfs.resolve("opt/berth/native/libonnxruntime4j_jni.so")).isRegularFile();
        try (Stream<Path> jars = Files.list(rootfs.resolve("opt/berth/lib"))) {
            for (Path jar : jars.toList()) {
                try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
                    assertThat(zip.stream().map(java.util.zip.ZipEntry::getName))
                            .as("natives left in %s", jar.getFileName())
                            .noneMatch(n -> n.startsWith("ai/onnxruntime/native/") || n.endsWith(".dll") || n.endsWith(".dylib")
                                    || n.contains("aarch64"));
                }
            }
        }
        assertThat(rootfs.resolve("opt/berth/lib/berth-model.jar")).isRegularFile();
        assertThat(rootfs.resolve("etc/passwd")).content().contains("nonroot:x:65532:65532:");
        assertThat(rootfs.resolve("usr/share/doc/libc6/copyright")).isRegularFile();
        assertThat(rootfs.resolve("usr/share/man")).doesNotExist();
        assertThat(rootfs.resolve("var/lib/dpkg/status.d/libc6")).content().contains("Package: libc6");
        assertThat(rootfs.resolve("opt/java/openjdk/lib/server/classes.jsa")).isRegularFile();
    }

    @Test
    void theJlinkedRuntimeRunsOnTheBaseAloneAsTheNonrootUser() throws Exception {
        Path rootfs = unpack(store.resolve("iris:1"), work.resolve("unpacked-run"));
        Files.createDirectories(rootfs.resolve("proc"));
        // A fresh mount and PID namespace, so the /proc it mounts goes away with the process, and chroot: nothing of
        // the host's libraries is visible, only what the image's layers hold.
        Process java = new ProcessBuilder("unshare", "--mount", "--pid", "--fork", "--mount-proc=" + rootfs.resolve("proc"),
                "chroot", "--userspec=65532:65532", rootfs.toString(), "/opt/java/openjdk/bin/java", "-Xshare:on", "-version")
                .redirectErrorStream(true).start();
        String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(java.waitFor()).as(out).isZero();
        assertThat(out).contains("version \"25");
    }

    @Test
    void aNewModelVersionChangesOnlyTheModelLayer() throws Exception {
        Path model = OnnxModels.write(work.resolve("models/classifier-v2.onnx"), OnnxModels.classifier(2, true));
        PackagedModel v2 = packager(store).pack(request(model, "iris:2", new ModelConfig.Batching(8, 2000)));
        for (int i = 0; i < 3; i++) {
            assertThat(v2.layers().get(i).blob()).isEqualTo(v1.layers().get(i).blob());
            assertThat(v2.layers().get(i).reused()).as("layer %s came from the cache", v2.layers().get(i).role()).isTrue();
        }
        assertThat(v2.layers().get(3).blob().digest()).isNotEqualTo(v1.layers().get(3).blob().digest());
        assertThat(v2.layers().get(3).blob().size()).isLessThan(4096);
        Map<String, String> labels = store.resolve("iris:2").config().containerConfig().labels();
        assertThat(labels).containsEntry(ModelLabels.BATCH_MAX_SIZE, "8").containsEntry(ModelLabels.BATCH_MAX_DELAY, "PT0.002S")
                .containsEntry(ModelLabels.VERSION, "2");
        assertThat(store.resolve("iris:1").id()).isEqualTo(v1.imageId()).as("v1 is still there");
    }

    @Test
    void batchingIsRefusedForAModelWhoseBatchDimensionIsFixed() throws Exception {
        Path model = OnnxModels.write(work.resolve("models/fixed.onnx"), OnnxModels.classifier(1, false));
        assertThatThrownBy(() -> packager(store).pack(request(model, "fixed:1", new ModelConfig.Batching(4, 1000))))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("input 'features'").hasMessageContaining("[1, 4]");
        assertThat(store.find("fixed:1")).isEmpty();
    }

    @Test
    void invalidModelsAreRefusedAndLeaveNothingInTheStore() throws Exception {
        ImageStore fresh = ImageStore.open(work.resolve("root-invalid"));
        Path text = work.resolve("invalid/readme.onnx");
        Files.createDirectories(text.getParent());
        Files.writeString(text, "not a model\n");
        byte[] whole = OnnxModels.classifier(1, true);
        Path truncated = OnnxModels.write(work.resolve("invalid/truncated.onnx"), java.util.Arrays.copyOf(whole, whole.length - 40));
        Path empty = Files.createFile(work.resolve("invalid/empty.onnx"));
        for (Path bad : List.of(text, truncated, empty)) {
            assertThatThrownBy(() -> new ModelPackager(fresh).pack(request(bad, "bad:1", null)))
                    .isInstanceOf(ModelException.class).hasMessageStartingWith(bad + " is not a valid ONNX model: ");
        }
        assertThat(fresh.images()).isEmpty();
        assertThat(fresh.content().list()).isEmpty();
        try (Stream<Path> ingest = Files.list(fresh.paths().ingest()); Stream<Path> leases = Files.list(fresh.paths().leases())) {
            assertThat(ingest).isEmpty();
            assertThat(leases).isEmpty();
        }
        assertThatThrownBy(() -> new ModelPackager(fresh).pack(request(work.resolve("models/classifier.onnx"), "iris", null)))
                .isInstanceOf(ModelException.class).hasMessageContaining("NAME:VERSION");
    }

    @Test
    void packagingIsReproducibleAcrossStoresDirectoriesAndFileTimes() throws Exception {
        // Another store (so nothing is cached: Debian packages fetched, runtime linked, layers written again), the model
        // copied elsewhere with another mtime and mode.
        ImageStore other = ImageStore.open(work.resolve("root-again"));
        Path copy = work.resolve("elsewhere/deeper/model-copy.onnx");
        Files.createDirectories(copy.getParent());
        Files.copy(work.resolve("models/classifier.onnx"), copy);
        Files.setLastModifiedTime(copy, FileTime.from(Instant.parse("2001-02-03T04:05:06Z")));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
        PackagedModel again = packager(other).pack(request(copy, "iris:1", null));
        assertThat(again.layers()).noneMatch(PackagedModel.PackagedLayer::reused);
        assertThat(again.manifest().digest()).isEqualTo(v1.manifest().digest());
        assertThat(again.imageId()).isEqualTo(v1.imageId());
    }

    @Test
    void historyListsTheVersionsOfAModelNewestFirstWithTheirProvenance() throws Exception {
        Path model = work.resolve("models/classifier.onnx");
        Path other = OnnxModels.write(work.resolve("models/history-b.onnx"), OnnxModels.classifier(3, true));
        ModelPackager packager = packager(store);
        for (Object[] v : new Object[][] {{"hist:old", model, "2026-01-01T00:00:00Z"}, {"hist:new", other, "2026-02-01T00:00:00Z"},
                {"hist:oldest", model, "2025-06-01T00:00:00Z"}}) {
            packager.pack(new PackageRequest((Path) v[1], (String) v[0], "history-model", null, null, null,
                    new Provenance("someone@somewhere", "0.1.0-test", Instant.parse((String) v[2]), null)));
        }
        List<ModelVersion> versions = ModelHistory.versions(store, "hist");
        assertThat(versions).extracting(ModelVersion::tag).containsExactly("new", "old", "oldest");
        ModelVersion newest = versions.getFirst();
        assertThat(newest.reference()).isEqualTo("hist:new");
        assertThat(newest.model()).isEqualTo("history-model");
        assertThat(newest.created()).isEqualTo("2026-02-01T00:00:00Z");
        assertThat(newest.modelSha256()).isEqualTo(Hashing.sha256(other));
        assertThat(newest.builtBy()).isEqualTo("someone@somewhere");
        assertThat(newest.imageId()).isEqualTo(store.resolve("hist:new").id().toString());
        assertThat(newest.size()).isEqualTo(store.resolve("hist:new").size());
        assertThat(newest.inputs()).containsExactly(new TensorSpec("features", "FP32", List.of(-1L, 4L)));
        assertThat(versions.get(1).modelSha256()).isEqualTo(versions.get(2).modelSha256());

        assertThatThrownBy(() -> ModelHistory.versions(store, "no-such-model")).isInstanceOf(ModelException.class)
                .hasMessageContaining("no packaged versions of model 'no-such-model'");
        assertThatThrownBy(() -> ModelHistory.versions(store, "hist:new")).isInstanceOf(ModelException.class)
                .hasMessageContaining("without a version");
    }

    @Test
    void aNamedBaseWithJava25ReplacesBaseAndRuntimeAndOneWithoutJavaGetsTheJlinkedRuntimeOnTop() throws Exception {
        Path model = work.resolve("models/classifier.onnx");
        PackagedModel.PackagedLayer debian = v1.layers().get(0);
        PackagedModel.PackagedLayer java = v1.layers().get(1);
        image("bases/java25:1", List.of(debian, java), List.of("JAVA_HOME=/opt/java/openjdk", "FROM_BASE=yes"));
        image("bases/glibc:1", List.of(debian), null);

        PackagedModel onJava = packager(store).pack(withBase(model, "on-java:1", "bases/java25:1"));
        assertThat(onJava.layers()).extracting(PackagedModel.PackagedLayer::role).containsExactly("base 1", "base 2", "server", "model");
        assertThat(onJava.layers().get(0).blob()).isEqualTo(debian.blob());
        assertThat(onJava.layers().get(1).blob()).isEqualTo(java.blob());
        ContainerConfig config = store.resolve("on-java:1").config().containerConfig();
        assertThat(config.labels().get(ModelImageConfig.JAVA_LABEL)).startsWith("from the base image: Java 25");
        assertThat(config.labels().get(ModelImageConfig.BASE_LABEL)).startsWith("bases/java25:1@sha256:");
        assertThat(config.env()).contains("FROM_BASE=yes", "JAVA_HOME=/opt/java/openjdk");
        assertThat(config.entrypoint().getFirst()).isEqualTo("/opt/java/openjdk/bin/java");

        PackagedModel onGlibc = packager(store).pack(withBase(model, "on-glibc:1", "bases/glibc:1"));
        assertThat(onGlibc.layers()).extracting(PackagedModel.PackagedLayer::role).containsExactly("base 1", "java", "server", "model");
        assertThat(onGlibc.layers().get(1).blob()).isEqualTo(java.blob());
        assertThat(onGlibc.manifest().digest()).isNotEqualTo(v1.manifest().digest());

        Path busybox = work.resolve("busybox-root");
        Files.createDirectories(busybox.resolve("bin"));
        Files.writeString(busybox.resolve("bin/sh"), "#!/not/really\n");
        image("bases/static:1", List.of(layerOf(busybox)), null);
        assertThatThrownBy(() -> packager(store).pack(withBase(model, "on-static:1", "bases/static:1")))
                .isInstanceOf(ModelException.class).hasMessageContaining("base image bases/static:1 has no glibc");
        assertThatThrownBy(() -> packager(store).pack(withBase(model, "on-missing:1", "bases/missing:1")))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("base image bases/missing:1 is not in the store: pull it first");
        assertThat(store.find("on-static:1")).isEmpty();
    }

    private static PackageRequest withBase(Path model, String tag, String base) {
        return new PackageRequest(model, tag, null, base, null, null, new Provenance("tester@test-host", "0.1.0-test", CREATED, null));
    }

    /** An image in the store made of given layers, as a base someone pulled would be. */
    private static void image(String name, List<PackagedModel.PackagedLayer> layers, List<String> env) {
        try (var lease = store.lease()) {
            List<dev.berth.oci.layer.WrittenLayer> written = new ArrayList<>();
            for (PackagedModel.PackagedLayer l : layers) {
                assertThat(lease.holdIfPresent(l.blob().digest())).isTrue();
                written.add(new dev.berth.oci.layer.WrittenLayer(l.blob(), l.diffId(), l.uncompressedSize()));
            }
            var config = new dev.berth.oci.image.ImageConfig("2026-01-01T00:00:00Z", null, "amd64", "linux", null, null, null,
                    env == null ? null : ContainerConfig.EMPTY.withEnv(env), null, List.of());
            Descriptor manifest = dev.berth.oci.store.ImageAssembler.assemble(lease, config, written, null);
            store.tag(dev.berth.oci.reference.Reference.parse(name), manifest);
        }
    }

    private static PackagedModel.PackagedLayer layerOf(Path tree) {
        try (var lease = store.lease()) {
            var layer = LayerCache.write(lease, dev.berth.oci.layer.LayerTree.scan(tree, 0, 0));
            return new PackagedModel.PackagedLayer("test", layer.blob(), layer.diffId(), layer.uncompressedSize(), false, "");
        }
    }

    /** The image's layers extracted into one directory, as a container's root would be. */
    static Path unpack(Image image, Path target) throws Exception {
        Files.createDirectories(target);
        for (Descriptor layer : image.manifest().layers()) {
            try (InputStream in = Compressors.decompressDetected(store.content().open(layer.digest()))) {
                LayerExtractor.extract(in, target, ExtractOptions.defaults().withOwnership(true));
            }
        }
        return target;
    }

    static List<String> names(Path dir) throws Exception {
        List<String> names = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }
}
