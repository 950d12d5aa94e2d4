package dev.berth.cli.system;

import dev.berth.cli.BerthCommand;
import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.GlobalOptions;
import dev.berth.oci.OciException;
import dev.berth.oci.image.Compression;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.layer.LayerOptions;
import dev.berth.oci.layer.LayerWriter;
import dev.berth.registry.server.RegistryServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code berth quickstart}: Berth's story end to end, as the commands a user would type, each printed before it runs:
 * a busybox image through the store, an archive and a registry; an image built from a Dockerfile with its inputs
 * locked; a trained model packaged as an inference image, run under a memory limit, pushed, deployed as two replicas
 * and rolled forward and back; and a tiny container for a microcontroller.
 */
@Command(name = "quickstart", description = "Walk through Berth: images, a locked Dockerfile build, a model served, deployed and rolled back, a tiny container.",
        mixinStandardHelpOptions = true)
public final class QuickstartCommand implements Callable<Integer> {
    static final String IMAGE = "berth-quickstart/busybox:latest";
    private static final String TINY = "berth-quickstart/speech:1.0";
    private static final String HELLO = "berth-quickstart/hello:1";
    private static final String MODEL = "berth-quickstart/iris:";
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> APPLETS = List.of("sh", "echo", "ls", "cat", "uname", "wget", "env", "httpd");

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path busybox = Path.of("/usr/bin/busybox");
        if (!Files.isExecutable(busybox)) {
            throw new OciException("quickstart needs Debian's static busybox at " + busybox + ": apt-get install busybox-static");
        }
        Path work = Files.createTempDirectory("berth-quickstart");
        try {
            Path rootfs = work.resolve("busybox-rootfs.tar");
            List<LayerEntry> entries = new ArrayList<>();
            entries.add(LayerEntry.directory("bin", 0755));
            entries.add(LayerEntry.file("bin/busybox", busybox, 0755));
            for (String applet : APPLETS) {
                entries.add(LayerEntry.symlink("bin/" + applet, "busybox"));
            }
            entries.add(LayerEntry.directory("etc", 0755));
            entries.add(LayerEntry.file("etc/motd", "Shipped by Berth.\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0644));
            try (OutputStream out = Files.newOutputStream(rootfs)) {
                LayerWriter.writeEntries(entries, out, LayerOptions.defaults().withCompression(Compression.NONE));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("Berth quickstart: store at " + GlobalOptions.rootDir());
            Path archive = work.resolve("busybox.tar");
            step(out, "import", rootfs.toString(), IMAGE, "--change", "CMD [\"sh\"]", "--change", "ENV PATH=/bin",
                    "--message", "berth quickstart: busybox from the busybox-static package");
            step(out, "save", "-o", archive.toString(), IMAGE);
            step(out, "rmi", IMAGE);
            step(out, "load", "-i", archive.toString());
            step(out, "images", "berth-quickstart/busybox");

            // The image as a container, with a memory limit the kernel enforces (the daemon starts on demand)
            step(out, "run", "--rm", "--memory", "64m", "--network", "none", IMAGE, "sh", "-c",
                    "cat /etc/motd; echo \"memory limit: $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null"
                            + " || cat /sys/fs/cgroup/memory.max) bytes\"");

            // A private registry on loopback, in this process: push the image, forget it, pull it back.
            Path registryRoot = work.resolve("registry");
            dev.berth.cli.JettyLogging.warningsOnly();
            try (RegistryServer registry = RegistryServer.start(new RegistryServer.Config(registryRoot, "127.0.0.1", 0, false))) {
                String remote = registry.baseUri().getAuthority() + "/quickstart/busybox:latest";
                out.println();
                out.println("$ berth registry serve --addr " + registry.baseUri().getAuthority() + " --root " + registryRoot
                        + "    (running in the background)");
                step(out, "tag", IMAGE, remote);
                step(out, "push", remote);
                step(out, "rmi", IMAGE, remote);
                step(out, "pull", remote);
                // Back under its own name: the registry's name dies with this loopback registry.
                step(out, "tag", remote, IMAGE);
                step(out, "rmi", remote);
                step(out, "images", "berth-quickstart/busybox");
            }
            step(out, "system", "check");
            dockerfileBuild(out, work);
            modelStory(out, work);
            tinyContainer(out);
            out.println();
            out.println("Done: an image was built from a Dockerfile with every input locked, a model became an inference"
                    + " image that ran under a memory limit, went to a registry, served from two replicas and rolled"
                    + " forward and back without a lost request; a tiny container was built for a microcontroller, run,"
                    + " and rolled out to a simulated fleet.");
            out.println();
            out.println("Try next:");
            out.println("  berth model serve examples/models/iris-v1.onnx --port 8081   # the same server, no container");
            out.println("  berth kube manifests " + MODEL + "1 --min 2 --max 6          # Kubernetes YAML for the model");
            out.println("  berth build -t app:1 --reproducible .                     # your own Dockerfile");
            out.println("  berth ps, berth logs, berth stats --no-stream; the engine daemon keeps running.");
            out.flush();
            return 0;
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A Dockerfile built on the busybox image, its inputs pinned in berth.lock, built --locked and run. */
    private void dockerfileBuild(PrintWriter out, Path work) throws IOException {
        Path context = Files.createDirectories(work.resolve("hello"));
        Files.writeString(context.resolve("Dockerfile"), """
                FROM %s
                ARG GREETING=hello
                COPY motd.txt /etc/motd
                RUN echo "$GREETING from a RUN step on $(uname -m)" > /etc/greeting
                CMD ["sh", "-c", "cat /etc/motd /etc/greeting"]
                """.formatted(IMAGE));
        Files.writeString(context.resolve("motd.txt"), "Built by Berth from a Dockerfile.\n");
        out.println();
        out.println("# A Dockerfile, its base pinned by digest in berth.lock, built --locked and reproducibly");
        step(out, "lock", context.toString());
        step(out, "build", "--locked", "--reproducible", "--progress", "plain", "-t", HELLO, context.toString());
        step(out, "run", "--rm", "--memory", "64m", "--network", "none", HELLO);
    }

    /**
     * The models story: package the bundled iris classifier (two versions), run it in a container with a memory
     * limit and ask it, push it to a registry, deploy two replicas behind one port, roll to v2 and back.
     */
    private void modelStory(PrintWriter out, Path work) throws IOException {
        Path models = Files.createDirectories(work.resolve("models"));
        for (String file : List.of("iris-v1.onnx", "iris-v2.onnx", "request.json")) {
            try (var in = QuickstartCommand.class.getResourceAsStream("/dev/berth/cli/examples/" + file)) {
                if (in == null) {
                    throw new CommandFailure("quickstart: the example model " + file + " is not bundled; rebuild Berth",
                            ExitCodes.FAILURE);
                }
                Files.copy(in, models.resolve(file));
            }
        }
        byte[] request = Files.readAllBytes(models.resolve("request.json"));
        out.println();
        out.println("# A trained model (iris classifier exported to ONNX) as an inference image: no Dockerfile");
        step(out, "model", "package", models.resolve("iris-v1.onnx").toString(), "--name", "iris", "-t", MODEL + "1",
                "--memory", "256m");
        step(out, "model", "package", models.resolve("iris-v2.onnx").toString(), "--name", "iris", "-t", MODEL + "2",
                "--memory", "256m");
        step(out, "model", "history", "berth-quickstart/iris");

        int port = freePort();
        String container = "quickstart-iris-" + Long.toHexString(System.nanoTime() & 0xffffff);
        step(out, "run", "-d", "--name", container, "--memory", "256m", "-p", "127.0.0.1:" + port + ":8080", MODEL + "1");
        try {
            waitReady(port);
            infer(out, port, request);
        } finally {
            step(out, "rm", "-f", container);
        }

        Path registryRoot = work.resolve("model-registry");
        try (RegistryServer registry = RegistryServer.start(new RegistryServer.Config(registryRoot, "127.0.0.1", 0, false))) {
            String remote = registry.baseUri().getAuthority() + "/models/iris:1";
            out.println();
            out.println("$ berth registry serve --addr " + registry.baseUri().getAuthority() + "    (running in the background)");
            step(out, "tag", MODEL + "1", remote);
            step(out, "push", remote);
            step(out, "rmi", remote);
        }

        int servicePort = freePort();
        out.println();
        out.println("# Two replicas behind one port; a new version replaces them one at a time, taking traffic only when ready");
        step(out, "deploy", MODEL + "1", "--name", "quickstart-iris", "--port", String.valueOf(servicePort), "--replicas", "2");
        try {
            infer(out, servicePort, request);
            step(out, "deploy", MODEL + "2", "--name", "quickstart-iris");
            infer(out, servicePort, request);
            step(out, "rollback", "quickstart-iris");
            infer(out, servicePort, request);
            step(out, "deployments", "quickstart-iris", "--history");
        } finally {
            step(out, "deploy", "rm", "quickstart-iris");
        }
    }

    private static final String[] CLASSES = {"virginica", "setosa", "versicolor"};

    /** POSTs the example request, as curl would, and prints the predicted class of each row. */
    private static void infer(PrintWriter out, int port, byte[] request) {
        String url = "http://127.0.0.1:" + port + "/v2/models/iris/infer";
        out.println();
        out.println("$ curl -s -X POST " + url + " -d @request.json");
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new CommandFailure("quickstart stopped: the model answered HTTP " + response.statusCode() + ": "
                        + response.body(), ExitCodes.FAILURE);
            }
            var tree = dev.berth.oci.json.Json.tree(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "inference response");
            var output = tree.get("outputs").get(0);
            var data = output.get("data");
            int columns = output.get("shape").get(1).asInt();
            List<String> predictions = new ArrayList<>();
            for (int row = 0; row * columns < data.size(); row++) {
                int best = 0;
                for (int c = 1; c < columns; c++) {
                    if (data.get(row * columns + c).asDouble() > data.get(row * columns + best).asDouble()) {
                        best = c;
                    }
                }
                predictions.add(best < CLASSES.length ? CLASSES[best] : "class " + best);
            }
            out.println("model " + tree.get("model_name").asString() + " version "
                    + (tree.has("model_version") ? tree.get("model_version").asString() : "-")
                    + " predicts " + String.join(", ", predictions));
            out.flush();
        } catch (IOException e) {
            throw new CommandFailure("quickstart stopped: no answer from " + url + ": " + e.getMessage(), ExitCodes.FAILURE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure("quickstart interrupted", ExitCodes.FAILURE);
        }
    }

    private static void waitReady(int port) {
        URI ready = URI.create("http://127.0.0.1:" + port + "/v2/health/ready");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailure("quickstart interrupted", ExitCodes.FAILURE);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailure("quickstart interrupted", ExitCodes.FAILURE);
            }
        }
        throw new CommandFailure("quickstart stopped: the model container was not ready within 60 s", ExitCodes.FAILURE);
    }

    private static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * The tiny-container part: Rune's micro-speech pipeline from the shared TinyML data beside the repository
     * (../shared/tinyml, or $BERTH_TINYML), built for an nRF52840, run on a clip, rolled out to a simulated fleet.
     */
    private void tinyContainer(PrintWriter out) throws java.io.IOException {
        String env = System.getenv("BERTH_TINYML");
        Path tinyml = env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared", "tinyml").toAbsolutePath().normalize();
        Path example = tinyml.resolve("rune/examples/microspeech");
        Path clips = example.resolve("data/up");
        if (!Files.isDirectory(clips)) {
            out.println();
            out.println("(tiny containers skipped: the micro-speech example is not at " + example
                    + "; set BERTH_TINYML to the shared tinyml folder)");
            return;
        }
        Path clip;
        try (var files = Files.list(clips)) {
            clip = files.filter(f -> f.toString().endsWith(".wav")).sorted().findFirst().orElse(null);
        }
        if (clip == null) {
            out.println();
            out.println("(tiny containers skipped: no .wav clip in " + clips + ")");
            return;
        }
        String fleet = "quickstart-" + Long.toHexString(System.nanoTime() & 0xffffff);
        step(out, "tiny", "build", "-t", TINY, "--device", "nrf52840", example.toString());
        step(out, "tiny", "run", TINY, "--input", "audio=" + clip);
        step(out, "tiny", "fleet", "create", fleet, "--size", "3", "--device", "nrf52840", "--health-input", "SOUND=" + clip);
        step(out, "tiny", "rollout", TINY, "--fleet", fleet, "--canary", "34%");
    }

    private void step(PrintWriter out, String... args) {
        out.println();
        out.println("$ berth " + String.join(" ", args.length > 0 ? quoteAll(args) : List.of()));
        out.flush();
        List<String> full = new ArrayList<>(List.of("--root", GlobalOptions.rootDir().toString()));
        full.addAll(List.of(args));
        String[] argv = full.toArray(String[]::new);
        var cl = BerthCommand.commandLine(argv);
        cl.setOut(out);
        cl.setErr(spec.commandLine().getErr());
        int exit = cl.execute(argv);
        if (exit != 0) {
            throw new CommandFailure("quickstart stopped: `berth " + args[0] + "` exited " + exit, ExitCodes.FAILURE);
        }
    }

    private static List<String> quoteAll(String[] args) {
        return java.util.Arrays.stream(args).map(a -> a.matches("[A-Za-z0-9_./:=@-]+") ? a : "'" + a + "'").toList();
    }
}
