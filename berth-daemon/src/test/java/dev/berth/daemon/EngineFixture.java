package dev.berth.daemon;

import dev.berth.daemon.api.CreateRequest;
import dev.berth.daemon.api.HostConfig;
import dev.berth.daemon.engine.ContainerIo;
import dev.berth.daemon.engine.Engine;
import dev.berth.oci.store.ImageStore;
import dev.berth.runtime.logs.LogLine;
import dev.berth.runtime.sys.Mounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** An engine on a fresh Berth root with the test image, and a way to run a container to its end as `berth run` does. */
final class EngineFixture implements AutoCloseable {
    static final String IMAGE = "berth-test/busybox:1";
    final Path root;
    Engine engine;
    ContainerIo io;

    EngineFixture() throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "berth-engine-");
        TestImage.build(ImageStore.open(root), IMAGE);
        open();
    }

    void open() {
        engine = Engine.open(root);
        io = new ContainerIo(engine);
    }

    /** What a finished container printed and how it ended. */
    record Finished(String id, String stdout, String stderr, int exitCode) {
    }

    static CreateRequest request(HostConfig host, String... cmd) {
        return new CreateRequest(IMAGE, cmd.length == 0 ? null : List.of(cmd), null, null, null, null, null, null, null, null,
                null, null, host);
    }

    static HostConfig host(String network) {
        return new HostConfig(null, null, false, 0, 0, null, network, null, null, false, null, null);
    }

    /** create, attach, start, wait: the output and exit code. */
    Finished run(CreateRequest request) throws Exception {
        String id = create(request, null);
        var exit = engine.waitFor(id, "next-exit");
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        CountDownLatch attached = new CountDownLatch(1);
        Thread reader = Thread.ofVirtual().start(() -> io.attach(id, (LogLine line) -> {
            synchronized (out) {
                (line.stream() == LogLine.Stream.STDOUT ? out : err).append(new String(line.content(), StandardCharsets.UTF_8));
            }
        }, attached::countDown));
        attached.await(10, TimeUnit.SECONDS);
        engine.start(id);
        int code = exit.get(60, TimeUnit.SECONDS);
        reader.join(10_000);
        synchronized (out) {
            return new Finished(id, out.toString(), err.toString(), code);
        }
    }

    /** Every container ID this fixture created, to look for their traces on the host. */
    final java.util.Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();

    String create(CreateRequest request, String name) {
        String id = engine.create(request, name);
        ids.add(id);
        return id;
    }

    /** What containers may leave behind on the host: mounts, state, runc state, cgroups, veths, network records. */
    Map<String, Object> leftovers() throws IOException {
        List<String> cgroups = new ArrayList<>();
        List<String> veths = new ArrayList<>();
        List<String> hostVeths = hostVeths();
        for (String id : ids) {
            for (String controller : List.of("memory", "pids", "cpu", "cpuacct")) {
                if (Files.exists(Path.of("/sys/fs/cgroup", controller, "berth", id))) {
                    cgroups.add(controller + "/" + id);
                }
            }
            if (hostVeths.contains("bv" + id.substring(0, 12))) {
                veths.add("bv" + id.substring(0, 12));
            }
        }
        String network = Files.exists(root.resolve("networks/bridge/network.json"))
                ? Files.readString(root.resolve("networks/bridge/network.json")) : "";
        return Map.of("mounts", Mounts.mountPointsUnder(root), "containers", list(root.resolve("containers")),
                "runc", list(root.resolve("run").resolve("runc")), "cgroups", cgroups, "veths", veths,
                "attachments", network.contains("containerId") ? network : "");
    }

    static List<String> hostVeths() throws IOException {
        Process ip = new ProcessBuilder("ip", "-o", "link", "show").redirectErrorStream(true).start();
        String text = new String(ip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        List<String> found = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] parts = line.split(":\\s+");
            if (parts.length > 1 && parts[1].startsWith("bv")) {
                found.add(parts[1].split("@")[0]);
            }
        }
        return found;
    }

    private static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public void close() throws Exception {
        for (var c : engine.list(true, Map.of())) {
            try {
                engine.remove(c.id(), true);
            } catch (RuntimeException ignored) {
                // best effort: the next test's root is a new one
            }
        }
        try {
            engine.removeBridgeIfUnused();
        } finally {
            engine.close();
        }
        for (Path mount : Mounts.mountPointsUnder(root).reversed()) {
            Mounts.unmount(mount);
        }
        new ProcessBuilder("rm", "-rf", "--one-file-system", root.toString()).start().waitFor();
    }
}
