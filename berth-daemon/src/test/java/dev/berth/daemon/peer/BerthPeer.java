package dev.berth.daemon.peer;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.api.CreateRequest;
import dev.berth.daemon.api.HostConfig;
import dev.berth.daemon.engine.ContainerIo;
import dev.berth.daemon.engine.Engine;
import dev.berth.oci.archive.ArchiveFormat;
import dev.berth.oci.archive.ImageArchiveWriter;
import dev.berth.oci.store.ImageStore;
import dev.berth.runtime.logs.LogLine;
import dev.berth.runtime.sys.Mounts;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Berth's side: an engine on a fresh root with {@link PeerImages}, running a container as {@code berth run --rm
 * --network none} does (wait registered, attached, started; a container that cannot start is removed and the run ends
 * with Docker's 126 or 127).
 */
final class BerthPeer implements AutoCloseable {
    final Path root;
    final Engine engine;
    private final ContainerIo io;

    BerthPeer() throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "berth-peer-");
        PeerImages.build(ImageStore.open(root));
        engine = Engine.open(root);
        io = new ContainerIo(engine);
    }

    /** Saves the images in the format {@code podman load} reads. */
    Path saveDockerArchive(List<String> names) throws IOException {
        Path archive = root.resolve("peer-images.tar");
        try (OutputStream out = Files.newOutputStream(archive)) {
            new ImageArchiveWriter(ImageStore.open(root)).save(names, ArchiveFormat.DOCKER, out);
        }
        return archive;
    }

    /** The host part of {@code --rm --network none}. */
    static HostConfig removedWithoutNetwork() {
        return new HostConfig(null, null, false, 0, 0, null, "none", null, null, true, null, null);
    }

    /** Create, wait, attach, start: stdout and the exit code. */
    Outcome run(CreateRequest request) throws Exception {
        String id = engine.create(request, null);
        var exit = engine.waitFor(id, "next-exit");
        StringBuilder out = new StringBuilder();
        CountDownLatch attached = new CountDownLatch(1);
        Thread reader = Thread.ofVirtual().start(() -> io.attach(id, (LogLine line) -> {
            if (line.stream() == LogLine.Stream.STDOUT) {
                synchronized (out) {
                    out.append(new String(line.content(), StandardCharsets.UTF_8));
                }
            }
        }, attached::countDown));
        if (!attached.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("could not attach to " + id);
        }
        try {
            engine.start(id);
        } catch (EngineException e) {
            engine.remove(id, true);
            reader.join(10_000);
            return new Outcome(out.toString(), e.exitCode());
        }
        int code = exit.get(60, TimeUnit.SECONDS);
        reader.join(10_000);
        synchronized (out) {
            return new Outcome(out.toString(), code);
        }
    }

    /**
     * Containers the engine still knows after waiting up to five seconds for them to go: the engine removes an
     * AutoRemove container after reporting its exit, so right after the run it may still be there.
     */
    List<String> containersLeft() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> left = engine.list(true, Map.of()).stream().map(c -> c.id()).toList();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            left = engine.list(true, Map.of()).stream().map(c -> c.id()).toList();
        }
        return left;
    }

    @Override
    public void close() throws Exception {
        try {
            for (var c : engine.list(true, Map.of())) {
                try {
                    engine.remove(c.id(), true);
                } catch (RuntimeException ignored) {
                    // best effort: the root is removed below
                }
            }
            engine.removeBridgeIfUnused();
        } finally {
            engine.close();
            for (Path mount : Mounts.mountPointsUnder(root).reversed()) {
                Mounts.unmount(mount);
            }
            new ProcessBuilder("rm", "-rf", "--one-file-system", root.toString()).inheritIO().start().waitFor();
        }
    }
}
