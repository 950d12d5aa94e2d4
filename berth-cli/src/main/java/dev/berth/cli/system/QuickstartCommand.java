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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code berth quickstart}: the main job end to end, as the commands a user would type. Today: make a busybox image,
 * save it, remove it, load it back, push it to a private registry on loopback, remove it and pull it back. Each step
 * prints the berth command it runs.
 */
@Command(name = "quickstart", description = "Walk through Berth's main job: make an image, save it, load it back.",
        mixinStandardHelpOptions = true)
public final class QuickstartCommand implements Callable<Integer> {
    static final String IMAGE = "berth-quickstart/busybox:latest";
    private static final String TINY = "berth-quickstart/speech:1.0";
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
            tinyContainer(out);
            out.println();
            out.println("Done: the image ran as a container, and went through the store, a docker-compatible archive, a registry"
                    + " and back; a tiny container was built for a microcontroller, run, and rolled out to a simulated fleet.");
            out.println("Next: `berth run -d -p 127.0.0.1:8081:80 " + IMAGE + " httpd -f -p 80 -h /etc`, then `berth ps`,"
                    + " `berth logs`, `berth stats --no-stream`. The engine daemon keeps running for the next commands.");
            out.flush();
            return 0;
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
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
