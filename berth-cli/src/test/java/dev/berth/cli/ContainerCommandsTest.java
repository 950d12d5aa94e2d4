package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.daemon.Daemon;
import dev.berth.daemon.client.EngineClient;
import dev.berth.oci.image.Compression;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.store.ImageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container commands end to end: the CLI in this JVM, the daemon it starts on demand as a process of its own,
 * real containers. Output, Docker's exit codes, and clear errors for bad input.
 */
class ContainerCommandsTest {
    private static final String IMAGE = "cli-test/busybox:1";
    private static Path root;

    @BeforeAll
    static void image() throws Exception {
        root = Files.createTempDirectory(Path.of("/tmp"), "berth-cli-containers-");
        List<LayerEntry> entries = new ArrayList<>(List.of(LayerEntry.directory("bin", 0755), LayerEntry.directory("tmp", 01777),
                LayerEntry.file("bin/busybox", Path.of("/usr/bin/busybox"), 0755)));
        for (String applet : List.of("sh", "echo", "sleep", "true", "cat", "mkdir", "ln")) {
            entries.add(LayerEntry.symlink("bin/" + applet, "busybox"));
        }
        TestImages.build(ImageStore.open(root), IMAGE, Compression.GZIP, List.of(entries));
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        EngineClient client = new EngineClient(Daemon.defaultSocket(root));
        if (Files.exists(client.socket()) && client.ping()) {
            for (Object c : client.call("GET", "/containers/json?all=1", null, List.class)) {
                client.call("DELETE", "/containers/" + ((Map<?, ?>) c).get("Id") + "?force=1", null, Void.class);
            }
            long pid = ((Number) client.call("GET", "/version", null, Map.class).get("Pid")).longValue();
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroy(); // the daemon this test class started, by its PID
                p.onExit().join();
            });
        }
        new ProcessBuilder("rm", "-rf", "--one-file-system", root.toString()).start().waitFor();
    }

    private static InProcessBerth.Run berth(String... args) {
        return InProcessBerth.run(root, args);
    }

    @Test
    void runShowsTheOutputAndEndsWithTheContainersExitCode() {
        InProcessBerth.Run r = berth("run", "--rm", "--network", "none", IMAGE, "sh", "-c", "echo hello; echo oops >&2; exit 3");
        assertThat(r.out()).isEqualTo("hello\n");
        assertThat(r.err()).isEqualTo("oops\n");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(berth("ps", "-a", "-q").out()).as("--rm removed it").isEmpty();
    }

    @Test
    void aBadFlagValueIs125AndNamesTheValue() {
        InProcessBerth.Run r = berth("run", "--memory", "12q", IMAGE, "true");
        assertThat(r.exit()).isEqualTo(125);
        assertThat(r.err()).contains("12q").contains("--memory");
    }

    @Test
    void anImageThatIsNotHereIsPulledAndOneThatCannotBePulledIs125() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        InProcessBerth.Run missing = berth("run", "--rm", "127.0.0.1:" + closedPort + "/nothing-here:1", "true");
        assertThat(missing.exit()).isEqualTo(125);
        assertThat(missing.err()).contains("Unable to find image '127.0.0.1:" + closedPort + "/nothing-here:1' locally");

        Path registryRoot = Files.createTempDirectory(Path.of("/tmp"), "berth-cli-registry-");
        try (var registry = dev.berth.registry.server.RegistryServer.start(
                new dev.berth.registry.server.RegistryServer.Config(registryRoot, "127.0.0.1", 0, false))) {
            String remote = registry.baseUri().getAuthority() + "/cli/busybox:1";
            assertThat(berth("tag", IMAGE, remote).exit()).isZero();
            assertThat(berth("push", "-q", remote).exit()).isZero();
            assertThat(berth("rmi", remote).exit()).isZero();
            InProcessBerth.Run run = berth("run", "--rm", "--network", "none", remote, "echo", "pulled and run");
            assertThat(run.exit()).isZero();
            assertThat(run.out()).isEqualTo("pulled and run\n");
            assertThat(run.err()).contains("Unable to find image '" + remote + "' locally");
            assertThat(berth("rmi", remote).exit()).isZero();
        } finally {
            new ProcessBuilder("rm", "-rf", registryRoot.toString()).start().waitFor();
        }
    }

    @Test
    void aMissingCommandIs127AndTheFailedRunLeavesNoContainer() {
        InProcessBerth.Run r = berth("run", "--network", "none", "--name", "broken", IMAGE, "no-such-command");
        assertThat(r.exit()).isEqualTo(127);
        assertThat(r.err()).contains("no-such-command");
        assertThat(berth("ps", "-a", "--filter", "name=broken", "-q").out()).isEmpty();
    }

    @Test
    void detachedContainersAreListedStoppedAndRemoved() {
        InProcessBerth.Run run = berth("run", "-d", "--name", "sleeper", "--network", "none", "--label", "role=test", IMAGE, "sleep", "60");
        assertThat(run.exit()).isZero();
        String id = run.out().strip();
        assertThat(id).matches("[0-9a-f]{64}");
        InProcessBerth.Run ps = berth("ps", "--format", "json", "--filter", "label=role=test");
        assertThat(ps.out()).contains(id).contains("\"/sleeper\"").contains("running");
        assertThat(berth("ps").out()).contains("sleeper").contains("Up ");
        InProcessBerth.Run stop = berth("stop", "-t", "1", "sleeper");
        assertThat(stop.exit()).isZero();
        assertThat(stop.out()).isEqualTo("sleeper\n");
        assertThat(berth("container", "inspect", "sleeper").out()).contains("\"Status\" : \"exited\"").contains("\"ExitCode\" : 137");
        assertThat(berth("inspect", "sleeper").out()).as("inspect finds containers too").contains("\"Name\" : \"/sleeper\"");
        assertThat(berth("rm", "sleeper").exit()).isZero();
        InProcessBerth.Run again = berth("rm", "sleeper");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("No such container: sleeper");
    }

    @Test
    void execRunsInsideAndReturnsTheCommandsExitCode() {
        assertThat(berth("run", "-d", "--name", "host-for-exec", "--network", "none", IMAGE, "sleep", "60").exit()).isZero();
        InProcessBerth.Run exec = berth("exec", "host-for-exec", "sh", "-c", "echo inside; exit 4");
        assertThat(exec.out()).isEqualTo("inside\n");
        assertThat(exec.exit()).isEqualTo(4);
        assertThat(berth("rm", "-f", "host-for-exec").exit()).isZero();
    }

    @Test
    void cpCopiesFilesInAndOutAndNeverOutsideTheContainer() throws Exception {
        assertThat(berth("run", "-d", "--name", "cp-box", "--network", "none", IMAGE, "sh", "-c",
                "mkdir -p /tmp/dir && echo inner > /tmp/dir/f.txt && ln -s / /tmp/escape && sleep 60").exit()).isZero();
        Path host = Files.createTempDirectory(Path.of("/tmp"), "berth-cp-");
        try {
            Files.writeString(host.resolve("in.txt"), "to the container\n");
            assertThat(berth("cp", host.resolve("in.txt").toString(), "cp-box:/tmp/").exit()).isZero();
            assertThat(berth("cp", host.resolve("in.txt").toString(), "cp-box:/tmp/renamed.txt").exit()).isZero();
            InProcessBerth.Run cat = berth("exec", "cp-box", "cat", "/tmp/in.txt", "/tmp/renamed.txt");
            assertThat(cat.out()).isEqualTo("to the container\nto the container\n");
            Thread.sleep(200);
            assertThat(berth("cp", "cp-box:/tmp/dir", host.toString()).exit()).isZero();
            assertThat(Files.readString(host.resolve("dir/f.txt"))).isEqualTo("inner\n");
            assertThat(berth("cp", "cp-box:/tmp/dir/f.txt", host.resolve("copy.txt").toString()).exit()).isZero();
            assertThat(Files.readString(host.resolve("copy.txt"))).isEqualTo("inner\n");
            // /tmp/escape -> / inside the container: its /etc, not the host's, and nothing lands on the host's /tmp
            assertThat(berth("cp", host.resolve("in.txt").toString(), "cp-box:/tmp/escape/tmp/").exit()).isZero();
            assertThat(berth("exec", "cp-box", "cat", "/tmp/in.txt").out()).isEqualTo("to the container\n");
            InProcessBerth.Run missing = berth("cp", "cp-box:/no/such/file", host.toString());
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).contains("/no/such/file");
        } finally {
            berth("rm", "-f", "cp-box");
            new ProcessBuilder("rm", "-rf", host.toString()).start().waitFor();
        }
    }

    @Test
    void badValuesForTheOtherCommandsAreRefusedByName() {
        InProcessBerth.Run filter = berth("ps", "--filter", "colour=blue");
        assertThat(filter.exit()).isEqualTo(1);
        assertThat(filter.err()).contains("invalid filter 'colour'");
        InProcessBerth.Run restart = berth("run", "--restart", "sometimes", IMAGE, "true");
        assertThat(restart.exit()).isEqualTo(125);
        assertThat(restart.err()).contains("invalid restart policy 'sometimes'");
        assertThat(berth("run", "-d", "--name", "target", "--network", "none", IMAGE, "sleep", "60").exit()).isZero();
        try {
            InProcessBerth.Run signal = berth("kill", "-s", "NOPE", "target");
            assertThat(signal.exit()).isEqualTo(1);
            assertThat(signal.err()).contains("invalid signal: NOPE");
            InProcessBerth.Run since = berth("logs", "--since", "yesterday", "target");
            assertThat(since.exit()).isEqualTo(1);
            assertThat(since.err()).contains("invalid time").contains("yesterday");
            assertThat(berth("ps", "--filter", "name=target", "-q").out()).as("still running after the refusals").isNotEmpty();
        } finally {
            berth("rm", "-f", "target");
        }
    }
}
