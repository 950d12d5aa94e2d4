package dev.berth.build.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.build.testing.RuncContainer;
import dev.berth.build.testing.TestFiles;
import dev.berth.build.testing.TestImages;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import dev.berth.runtime.sys.Mounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A Berth root with the busybox base image, a context directory, and helpers to build, run and check for leftovers. */
final class BuildFixture implements AutoCloseable {
    static final String BASE = "busybox:test";

    final Path dir;
    final Path root;
    final Path context;
    final ImageStore store;

    BuildFixture() {
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), "berth-build-engine-");
            root = dir.resolve("root");
            context = dir.resolve("context");
            Files.createDirectories(context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store = ImageStore.open(root);
        TestImages.busybox(store, BASE);
    }

    /** Writes a file into the context (parents created). */
    BuildFixture file(String path, String content) {
        try {
            Path p = context.resolve(path);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    BuildRequest request(String dockerfile) {
        return BuildRequest.of(context, "Dockerfile", dockerfile);
    }

    Recorder build(BuildRequest request) {
        Recorder recorder = new Recorder();
        recorder.result = new Builder(root, store, recorder).build(request);
        return recorder;
    }

    Recorder build(String dockerfile, String... tags) {
        return build(request(dockerfile).withTags(List.of(tags)));
    }

    /** Runs a command in a container of the stored image (its layers unpacked into a fresh directory). */
    RuncContainer.Result run(String image, String... args) {
        Path rootfs = dir.resolve("run-" + System.nanoTime());
        try {
            TestImages.unpack(store, image, rootfs);
            return RuncContainer.run(rootfs, dir.resolve("work-" + System.nanoTime()), "0:0", List.of(args));
        } finally {
            TestFiles.deleteTree(rootfs);
        }
    }

    Image image(String name) {
        return store.resolve(name);
    }

    /** The entries of the image's layer {@code index} ("path" for files, "path/" for directories, "path -> target"). */
    List<String> layerEntries(String image, int index) {
        Image img = store.resolve(image);
        List<String> names = new ArrayList<>();
        try (var in = dev.berth.oci.layer.Compressors.decompressDetected(
                store.content().open(img.manifest().layers().get(index).digest()))) {
            dev.berth.oci.layer.TarReader tar = new dev.berth.oci.layer.TarReader(in);
            for (dev.berth.oci.layer.TarEntry e = tar.next(); e != null; e = tar.next()) {
                String name = e.name().endsWith("/") ? e.name().substring(0, e.name().length() - 1) : e.name();
                names.add(e.isDirectory() ? name + "/" : e.isSymlink() ? name + " -> " + e.linkName() : name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** The names the store has (tags). */
    List<String> names() {
        return store.images().stream().flatMap(i -> i.names().stream()).sorted().toList();
    }

    /** Asserts that no build left anything behind: no mount under the root, no runc container, no temp directory. */
    void assertNothingLeft() {
        assertThat(Mounts.mountPointsUnder(root)).as("mounts under the root").isEmpty();
        Path runcState = Builder.runcStateRoot(root);
        if (Files.isDirectory(runcState)) {
            try (var s = Files.list(runcState)) {
                assertThat(s.toList()).as("runc containers").isEmpty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path work = Builder.workRoot(root);
        if (Files.isDirectory(work)) {
            try (var s = Files.list(work)) {
                assertThat(s.toList()).as("temporary directories under build-tmp").isEmpty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() {
        for (Path m : Mounts.mountPointsUnder(dir).reversed()) {
            Mounts.unmount(m);
        }
        TestFiles.deleteTree(dir);
    }

    /** Remembers what a build reported. */
    static final class Recorder implements BuildListener {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final List<String> output = Collections.synchronizedList(new ArrayList<>());
        final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        final Map<Integer, Step> steps = new java.util.concurrent.ConcurrentHashMap<>();
        BuildResult result;

        @Override
        public void started(Step step) {
            steps.put(step.id(), step);
            events.add("start " + step.label() + " " + step.text());
        }

        @Override
        public void cached(Step step) {
            events.add("cached " + step.label() + " " + step.text());
        }

        @Override
        public void output(Step step, String line, boolean stderr) {
            output.add(line);
        }

        @Override
        public void finished(Step step, Duration took) {
            events.add("done " + step.label() + " " + step.text());
        }

        @Override
        public void failed(Step step, String message) {
            events.add("failed " + step.label() + " " + message);
        }

        @Override
        public void warning(String message) {
            warnings.add(message);
        }

        @Override
        public void info(String message) {
        }

        List<String> cachedSteps() {
            return events.stream().filter(e -> e.startsWith("cached ")).toList();
        }

        List<String> ranSteps() {
            return events.stream().filter(e -> e.startsWith("done ")).toList();
        }
    }
}
