package dev.berth.daemon.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.daemon.api.CreateRequest;
import dev.berth.daemon.api.HostConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same image and command under Berth and under {@code podman run --rm --runtime runc --network none} give the same
 * stdout and exit code: exit codes and signal deaths, the environment, users, working directories, hostnames,
 * ENTRYPOINT and CMD, and commands that cannot run. Both engines run the same images: Berth's store saved as a docker
 * archive and loaded by podman, which has throw-away state of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodmanDifferentialTest {
    private BerthPeer berth;
    private PodmanPeer podman;

    @BeforeAll
    void loadTheImagesIntoBoth() throws Exception {
        berth = new BerthPeer();
        podman = new PodmanPeer();
        Path archive = berth.saveDockerArchive(PeerImages.ALL);
        podman.podman("load", "-i", archive.toString()).requireSuccess();
    }

    @AfterAll
    void removeBoth() throws Exception {
        try {
            if (podman != null) {
                podman.close();
            }
        } finally {
            if (berth != null) {
                berth.close();
            }
        }
    }

    static Stream<RunSpec> cases() {
        String plain = PeerImages.PLAIN;
        String entry = PeerImages.ENTRY;
        String alice = PeerImages.ALICE;
        return Stream.of(
                // exit codes
                RunSpec.of(plain, "true"),
                RunSpec.of(plain, "sh", "-c", "echo out; exit 3"),
                // a child killed by a signal: the shell sees 128+9
                RunSpec.of(plain, "sh", "-c", "sh -c 'kill -9 $$'; echo $?"),
                // the container's PID 1 signalling itself: the kernel drops signals to a PID namespace's init that
                // it has no handler for, even SIGKILL, so the shell carries on and ends with 0 under both
                RunSpec.of(plain, "sh", "-c", "kill -9 $$; echo survived"),
                // the image's CMD, and a command given on the command line
                RunSpec.of(plain),
                RunSpec.of(plain, "echo", "given", "args"),
                // the environment: PATH and variables from the image, HOME from /etc/passwd, HOSTNAME, -e overrides
                RunSpec.of(plain, "sh", "-c", "env | sort"),
                RunSpec.of(plain, "sh", "-c", "env | sort").env("IMAGE_VAR=overridden", "NEW=value", "HOME=/elsewhere"),
                RunSpec.of(plain, "sh", "-c", "env | sort").env("PATH=/bin"),
                RunSpec.of(plain, "sh", "-c", "env | sort").user("alice"),
                RunSpec.of(plain, "sh", "-c", "env | sort").user("1000:1000"),
                RunSpec.of(plain, "sh", "-c", "env | sort").user("4242"),
                RunSpec.of(plain, "sh", "-c", "env | sort").hostname("box"),
                RunSpec.of(alice, "sh", "-c", "env | sort"),
                // users (the default user is checked against Docker alone, below): uid:gid, a name from the image's /etc/passwd, a uid it does not know, USER in the image
                RunSpec.of(plain, "id").user("1000:1000"),
                RunSpec.of(plain, "id").user("alice"),
                RunSpec.of(plain, "id").user("alice:staff"),
                RunSpec.of(plain, "id").user("1000"),
                RunSpec.of(plain, "id").user("4242"),
                RunSpec.of(plain, "id").user("4242:4242"),
                RunSpec.of(alice),
                RunSpec.of(alice).user("root"),
                // working directories: default, -w, WORKDIR in the image, a directory the image does not have
                RunSpec.of(plain, "pwd"),
                RunSpec.of(plain, "pwd").workdir("/tmp"),
                RunSpec.of(alice, "pwd").workdir("/tmp"),
                // hostnames
                RunSpec.of(plain, "hostname").hostname("box"),
                RunSpec.of(plain, "sh", "-c", "hostname | grep -c -E '^[0-9a-f]{12}$'"),
                // ENTRYPOINT and CMD
                RunSpec.of(entry),
                RunSpec.of(entry, "given"),
                RunSpec.of(entry).entrypoint("echo"),
                RunSpec.of(entry, "over").entrypoint("echo"),
                RunSpec.of(entry, "sh", "-c", "echo cleared").entrypoint(""),
                RunSpec.of(plain, "-c", "echo through the entrypoint").entrypoint("sh"),
                // commands that cannot run: not found (127), not executable (126)
                RunSpec.of(plain, "no-such-command"),
                RunSpec.of(plain, "/bin/no-such-command"),
                RunSpec.of(entry).entrypoint("no-such-entrypoint"),
                RunSpec.of(plain, "/etc/passwd"),
                RunSpec.of(plain, "/tmp"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameStdoutAndExitCode(RunSpec spec) throws Exception {
        Outcome expected = comparable(podman.run(spec.podmanOptions(), spec.image(), spec.args()));
        Outcome actual = comparable(berth.run(spec.createRequest()));
        assertThat(actual).as("berth run --rm --network none %s", spec).isEqualTo(expected);
        assertThat(berth.containersLeft()).as("--rm leaves no container").isEmpty();
    }

    /** The sanity of the comparison itself: what the cases above print is what Docker's semantics say. */
    @Test
    void theCasesCheckWhatTheyClaim() throws Exception {
        assertThat(berth.run(RunSpec.of(PeerImages.PLAIN, "sh", "-c", "echo out; exit 3").createRequest()))
                .isEqualTo(new Outcome("out\n", 3));
        assertThat(berth.run(RunSpec.of(PeerImages.ENTRY).createRequest())).isEqualTo(new Outcome("entry from cmd\n", 0));
        assertThat(berth.run(RunSpec.of(PeerImages.PLAIN, "id").user("alice").createRequest()))
                .isEqualTo(new Outcome("uid=1000(alice) gid=1000(alice) groups=50(staff),1000(alice)\n", 0));
        assertThat(berth.run(RunSpec.of(PeerImages.PLAIN, "no-such-command").createRequest()).exitCode()).isEqualTo(127);
        assertThat(comparable(berth.run(RunSpec.of(PeerImages.PLAIN, "sh", "-c", "env | sort").createRequest())).stdout())
                .isEqualTo("HOME=/root\nHOSTNAME=<container id>\nIMAGE_VAR=from-image\n" + PeerImages.PATH
                        + "\nPWD=/\nSHLVL=1\n");
    }

    /**
     * The primary group is always among the supplementary groups, as Docker sets them since CVE-2022-36109, also for
     * the default user. Podman 4.3 adds it only when a user is given (-u or the image's USER) and so prints no groups
     * for the default root, so this one is checked against Docker's behaviour alone.
     */
    @Test
    void theDefaultUserHasItsPrimaryGroupAsDockerSetsIt() throws Exception {
        assertThat(berth.run(RunSpec.of(PeerImages.PLAIN, "id").createRequest()))
                .isEqualTo(new Outcome("uid=0(root) gid=0(root) groups=0(root)\n", 0));
    }

    /**
     * Docker creates a working directory the image does not have; podman 4.3 refuses to start instead (126), so this
     * is checked against Docker's documented behaviour alone.
     */
    @Test
    void aMissingWorkingDirectoryIsCreatedAsDockerDoes() throws Exception {
        assertThat(berth.run(RunSpec.of(PeerImages.PLAIN, "pwd").workdir("/not/in/the/image").createRequest()))
                .isEqualTo(new Outcome("/not/in/the/image\n", 0));
    }

    /** Killed from the host with SIGKILL, the container's main process ends with 137 under both. */
    @Test
    void killedFromOutsideBothReport137() throws Exception {
        var started = podman.podman("run", "-d", "--runtime", "runc", "--network", "none",
                PodmanPeer.loadedName(PeerImages.PLAIN), "sleep", "60").requireSuccess();
        String podmanId = started.stdout().strip();
        podman.podman("kill", "-s", "KILL", podmanId).requireSuccess();
        String podmanCode = podman.podman("wait", podmanId).requireSuccess().stdout().strip();
        podman.podman("rm", podmanId).requireSuccess();

        HostConfig keep = new HostConfig(null, null, false, 0, 0, null, "none", null, null, false, null, null);
        String id = berth.engine.create(new CreateRequest(PeerImages.PLAIN, List.of("sleep", "60"), null, null, null, null,
                null, null, null, null, null, null, keep), null);
        var exit = berth.engine.waitFor(id, "next-exit");
        berth.engine.start(id);
        berth.engine.kill(id, "KILL");
        int berthCode = exit.get(30, TimeUnit.SECONDS);
        berth.engine.remove(id, false);

        assertThat(podmanCode).isEqualTo("137");
        assertThat(berthCode).isEqualTo(137);
    }

    /**
     * What may differ and why. Podman, unlike Docker, sets {@code container=podman} in every container and
     * {@code TERM=xterm} even without {@code -t} (Docker sets TERM only for a terminal): both lines are dropped. The
     * default hostname is the container's short ID, which differs between any two containers: it is kept as its shape.
     * For a uid or gid the image's /etc/passwd or /etc/group does not have, podman adds an entry named by the number
     * (so {@code id} prints {@code uid=4242(4242)}); Docker adds none ({@code uid=4242}): such a name is dropped.
     */
    static Outcome comparable(Outcome o) {
        String stdout = Arrays.stream(o.stdout().split("\n", -1))
                .filter(line -> !line.startsWith("container=") && !line.equals("TERM=xterm"))
                .map(line -> line.matches("HOSTNAME=[0-9a-f]{12}") ? "HOSTNAME=<container id>" : line)
                .map(line -> line.replaceAll("\\b(\\d+)\\(\\1\\)", "$1"))
                .collect(Collectors.joining("\n"));
        return new Outcome(stdout, o.exitCode());
    }
}
