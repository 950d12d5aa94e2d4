package dev.berth.runtime.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.json.Json;
import dev.berth.runtime.ContainerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class RuntimeSpecWriterTest {
    private static final List<String> DOCKER_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
            "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    @TempDir
    Path work;

    private Path rootfs;

    @BeforeEach
    void setUp() throws IOException {
        rootfs = BusyboxRootfs.accountsOnly(work.resolve("rootfs"));
    }

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }

    private static List<String> destinations(ObjectNode json) {
        return json.get("mounts").valueStream().map(m -> m.get("destination").asString()).toList();
    }

    private static JsonNode mount(ObjectNode json, String destination) {
        return json.get("mounts").valueStream().filter(m -> m.get("destination").asString().equals(destination))
                .findFirst().orElseThrow(() -> new AssertionError("no mount at " + destination));
    }

    private ObjectNode json(Specs specs) {
        return RuntimeSpecWriter.toJson(specs.build());
    }

    @Test
    void processRootAndHostnameForRoot() {
        ObjectNode j = json(Specs.of(rootfs, "python", "serve.py").env("A=1").annotations(Map.of("k", "v")));
        assertThat(j.get("ociVersion").asString()).isEqualTo("1.0.2");
        assertThat(j.get("root").get("path").asString()).isEqualTo(rootfs.toString());
        assertThat(j.get("root").get("readonly").asBoolean()).isFalse();
        assertThat(j.get("hostname").asString()).isEqualTo("box");
        assertThat(j.get("annotations").get("k").asString()).isEqualTo("v");

        JsonNode p = j.get("process");
        assertThat(p.get("terminal").asBoolean()).isFalse();
        assertThat(strings(p.get("args"))).containsExactly("python", "serve.py");
        assertThat(strings(p.get("env"))).containsExactly(
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=box", "A=1",
                "HOME=/root");
        assertThat(p.get("cwd").asString()).isEqualTo("/");
        assertThat(p.get("user").get("uid").asInt()).isZero();
        assertThat(p.get("user").get("gid").asInt()).isZero();
        assertThat(p.get("user").get("additionalGids").valueStream().map(JsonNode::asInt)).containsExactly(0);
        assertThat(p.get("noNewPrivileges").asBoolean()).isFalse();
        assertThat(p.get("oomScoreAdj").asInt()).isZero();
        assertThat(p.has("rlimits")).as("no rlimits: a limit above the host's hard limit makes runc fail").isFalse();

        JsonNode caps = p.get("capabilities");
        assertThat(strings(caps.get("bounding"))).containsExactlyElementsOf(DOCKER_CAPS);
        assertThat(strings(caps.get("effective"))).containsExactlyElementsOf(DOCKER_CAPS);
        assertThat(strings(caps.get("permitted"))).containsExactlyElementsOf(DOCKER_CAPS);
        assertThat(caps.get("inheritable").isEmpty()).isTrue();
        assertThat(caps.get("ambient").isEmpty()).isTrue();
    }

    @Test
    void nonRootUserGetsOnlyTheBoundingSetItsGroupsAndHome() {
        ObjectNode j = json(Specs.of(rootfs, "sh").user("alice").env("HOME=/custom", "PATH=/opt/bin").noNewPrivileges());
        JsonNode p = j.get("process");
        assertThat(p.get("user").get("uid").asInt()).isEqualTo(1000);
        assertThat(p.get("user").get("gid").asInt()).isEqualTo(1000);
        assertThat(p.get("user").get("additionalGids").valueStream().map(JsonNode::asInt)).containsExactly(1000, 50, 44);
        assertThat(strings(p.get("env"))).containsExactly("HOSTNAME=box", "HOME=/custom", "PATH=/opt/bin");
        assertThat(p.get("noNewPrivileges").asBoolean()).isTrue();
        JsonNode caps = p.get("capabilities");
        assertThat(strings(caps.get("bounding"))).containsExactlyElementsOf(DOCKER_CAPS);
        assertThat(caps.get("effective").isEmpty()).isTrue();
        assertThat(caps.get("permitted").isEmpty()).isTrue();
    }

    @Test
    void writeReturnsTheResolvedUser() {
        ResolvedUser user = RuntimeSpecWriter.write(Specs.of(rootfs, "sh").user("bob").build(), work.resolve("b"));
        assertThat(user).isEqualTo(new ResolvedUser(1001, 1001, List.of(50), "/"));
    }

    @Test
    void namespacesFollowTheNetworkMode() throws IOException {
        List<String> fresh = json(Specs.of(rootfs, "sh")).get("linux").get("namespaces").valueStream()
                .map(n -> n.get("type").asString()).toList();
        assertThat(fresh).containsSubsequence("pid", "network", "ipc", "uts", "mount");

        ObjectNode host = json(Specs.of(rootfs, "sh").network(NetworkNamespace.host()));
        assertThat(host.get("linux").get("namespaces").valueStream().map(n -> n.get("type").asString()))
                .doesNotContain("network").contains("pid", "ipc", "uts", "mount");
        assertThat(host.get("linux").has("sysctl")).as("host sysctls are not the container's to change").isFalse();
        assertThat(json(Specs.of(rootfs, "sh")).get("linux").get("sysctl").get("net.ipv4.ip_unprivileged_port_start")
                .asString()).isEqualTo("0");

        Path netns = Files.writeString(work.resolve("netns"), "");
        JsonNode joined = json(Specs.of(rootfs, "sh").network(new NetworkNamespace.ExistingNamespace(netns)))
                .get("linux").get("namespaces").valueStream().filter(n -> n.get("type").asString().equals("network"))
                .findFirst().orElseThrow();
        assertThat(joined.get("path").asString()).isEqualTo(netns.toString());
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh")
                .network(new NetworkNamespace.ExistingNamespace(work.resolve("gone")))))
                .isInstanceOf(ContainerException.class).hasMessageContaining("does not exist");
    }

    @Test
    void defaultMountsComeFirstWithDockersOptions() {
        ObjectNode j = json(Specs.of(rootfs, "sh"));
        assertThat(destinations(j)).containsExactly("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys",
                "/sys/fs/cgroup");
        assertThat(strings(mount(j, "/dev").get("options")))
                .containsExactly("nosuid", "strictatime", "mode=755", "size=65536k");
        assertThat(strings(mount(j, "/dev/pts").get("options")))
                .contains("newinstance", "ptmxmode=0666", "mode=0620", "gid=5");
        assertThat(strings(mount(j, "/dev/shm").get("options"))).contains("size=67108864", "mode=1777", "noexec");
        assertThat(strings(mount(j, "/sys").get("options"))).contains("ro", "nosuid", "noexec", "nodev");
        assertThat(mount(j, "/sys/fs/cgroup").get("type").asString()).isEqualTo("cgroup");
        assertThat(strings(mount(j, "/sys/fs/cgroup").get("options"))).contains("ro");

        assertThat(strings(j.get("linux").get("maskedPaths"))).containsExactly("/proc/asound", "/proc/acpi",
                "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap");
        assertThat(strings(j.get("linux").get("readonlyPaths")))
                .containsExactly("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
    }

    @Test
    void userMountsAreOrderedParentsFirstAndReplaceDefaultsAtTheirDestination() throws IOException {
        Path data = Files.createDirectories(work.resolve("data"));
        Path shm = Files.createDirectories(work.resolve("shm"));
        Path hosts = Files.writeString(work.resolve("hosts"), "127.0.0.1 localhost\n");
        Path hostname = Files.writeString(work.resolve("hostname"), "box\n");
        Path resolv = Files.writeString(work.resolve("resolv.conf"), "nameserver 10.0.0.1\n");
        ObjectNode j = json(Specs.of(rootfs, "sh")
                .tmpfs("/data/cache:size=8m")
                .binds(new BindMount(data, "/data", true), new BindMount(shm, "/dev/shm", false))
                .etcFiles(hosts, hostname, resolv));
        List<String> dests = destinations(j);
        assertThat(dests).containsSubsequence("/proc", "/sys/fs/cgroup", "/data", "/dev/shm", "/data/cache",
                "/etc/hosts");
        assertThat(dests).containsOnlyOnce("/dev/shm");
        assertThat(mount(j, "/dev/shm").get("type").asString()).isEqualTo("bind");
        assertThat(strings(mount(j, "/data").get("options"))).containsExactly("rbind", "rprivate", "ro");
        assertThat(strings(mount(j, "/dev/shm").get("options"))).containsExactly("rbind", "rprivate");
        assertThat(mount(j, "/data").get("source").asString()).isEqualTo(data.toString());
        assertThat(strings(mount(j, "/data/cache").get("options")))
                .containsExactly("rw", "noexec", "nosuid", "nodev", "rprivate", "size=8m");
        assertThat(mount(j, "/etc/resolv.conf").get("source").asString()).isEqualTo(resolv.toString());
        assertThat(strings(mount(j, "/etc/hosts").get("options"))).contains("bind").doesNotContain("ro");

        ObjectNode ro = json(Specs.of(rootfs, "sh").readOnly().etcFiles(hosts, hostname, resolv));
        assertThat(ro.get("root").get("readonly").asBoolean()).isTrue();
        assertThat(strings(mount(ro, "/etc/hostname").get("options"))).contains("bind", "ro");

        // A user's own /etc/hosts wins over the engine's.
        ObjectNode own = json(Specs.of(rootfs, "sh").binds(new BindMount(hosts, "/etc/hosts", true))
                .etcFiles(resolv, hostname, resolv));
        assertThat(mount(own, "/etc/hosts").get("source").asString()).isEqualTo(hosts.toString());
    }

    @Test
    void badMountsAreNamed() throws IOException {
        Path data = Files.createDirectories(work.resolve("data"));
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").binds(new BindMount(work.resolve("missing"), "/x", false))))
                .isInstanceOf(ContainerException.class)
                .hasMessage("bind mount source path does not exist: " + work.resolve("missing"));
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").binds(new BindMount(data, "x", false))))
                .isInstanceOf(ContainerException.class).hasMessageContaining("x is not an absolute path");
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").binds(new BindMount(data, "/", false))))
                .isInstanceOf(ContainerException.class).hasMessageContaining("cannot be / itself");
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").binds(new BindMount(Path.of("rel"), "/x", false))))
                .isInstanceOf(ContainerException.class).hasMessageContaining("rel is not an absolute path");
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").tmpfs("/data")
                .binds(new BindMount(data, "/data/", false))))
                .isInstanceOf(ContainerException.class).hasMessage("duplicate mount point: /data");
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").etcFiles(work.resolve("nohosts"), null, null)))
                .isInstanceOf(ContainerException.class).hasMessageContaining("/etc/hosts does not exist");
    }

    @Test
    void resourcesFollowDockersArithmetic() {
        JsonNode r = json(Specs.of(rootfs, "sh").resources(256L << 20, 1_500_000_000L, 100))
                .get("linux").get("resources");
        assertThat(r.get("memory").get("limit").asLong()).isEqualTo(256L << 20);
        if (HostCgroups.swapLimitSupported()) {
            assertThat(r.get("memory").get("swap").asLong()).as("no swap beyond the limit").isEqualTo(256L << 20);
        } else {
            assertThat(r.get("memory").has("swap")).isFalse();
        }
        assertThat(r.get("cpu").get("quota").asLong()).isEqualTo(150_000);
        assertThat(r.get("cpu").get("period").asLong()).isEqualTo(100_000);
        assertThat(r.get("pids").get("limit").asLong()).isEqualTo(100);

        assertThat(RuntimeSpecWriter.cpuQuota(10_000_000L)).isEqualTo(1_000);
        assertThat(RuntimeSpecWriter.cpuQuota(2_000_000_000L)).isEqualTo(200_000);
        assertThat(RuntimeSpecWriter.cpuQuota(333_333_333L)).isEqualTo(33_333);

        JsonNode none = json(Specs.of(rootfs, "sh").resources(0, 0, -1)).get("linux").get("resources");
        assertThat(none.has("memory")).isFalse();
        assertThat(none.has("cpu")).isFalse();
        assertThat(none.has("pids")).isFalse();
    }

    @Test
    void devicesAreDeniedExceptDockersDefaults() {
        List<String> rules = new ArrayList<>();
        for (JsonNode d : json(Specs.of(rootfs, "sh")).get("linux").get("resources").get("devices")) {
            rules.add((d.get("allow").asBoolean() ? "allow " : "deny ")
                    + (d.has("type") ? d.get("type").asString() : "a") + " "
                    + (d.has("major") ? d.get("major").asString() : "*") + ":"
                    + (d.has("minor") ? d.get("minor").asString() : "*") + " " + d.get("access").asString());
        }
        assertThat(rules.getFirst()).isEqualTo("deny a *:* rwm");
        assertThat(rules).contains("allow c *:* m", "allow b *:* m", "allow c 1:3 rwm", "allow c 1:5 rwm",
                "allow c 1:7 rwm", "allow c 1:8 rwm", "allow c 1:9 rwm", "allow c 5:0 rwm", "allow c 5:1 rwm",
                "allow c 5:2 rwm", "allow c 136:* rwm").hasSize(12);
    }

    @Test
    void badResourcesAreNamed() {
        int cpus = Runtime.getRuntime().availableProcessors();
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").resources(0, (cpus + 1) * 1_000_000_000L, 0)))
                .isInstanceOf(ContainerException.class).hasMessage("invalid --cpus " + (cpus + 1)
                        + ": the range is 0.01 to " + cpus + ".00, as there are only " + cpus + " CPUs available");
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").resources(0, 5_000_000L, 0)))
                .isInstanceOf(ContainerException.class).hasMessageContaining("invalid --cpus 0.005");
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").resources(1 << 20, 0, 0)))
                .isInstanceOf(ContainerException.class).hasMessageContaining("the minimum is 6MB");
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").resources(-1, 0, 0)))
                .isInstanceOf(ContainerException.class).hasMessageContaining("cannot be negative");
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").resources(0, 0, -5)))
                .isInstanceOf(ContainerException.class).hasMessageContaining("invalid pids limit -5");
    }

    @Test
    void badProcessInputsAreNamed() {
        assertThatThrownBy(() -> json(Specs.of(rootfs)))
                .isInstanceOf(ContainerException.class).hasMessageContaining("no command to run");
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").workingDir("app")))
                .isInstanceOf(ContainerException.class)
                .hasMessage("the working directory app is invalid: it needs to be an absolute path");
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").env("NOVALUE")))
                .isInstanceOf(ContainerException.class).hasMessageContaining("\"NOVALUE\": it must be KEY=VALUE");
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").env("=x")))
                .isInstanceOf(ContainerException.class).hasMessageContaining("it must be KEY=VALUE");
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").id("a/b")))
                .isInstanceOf(ContainerException.class).hasMessageContaining("invalid container id a/b");
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").hostname("has space")))
                .isInstanceOf(ContainerException.class).hasMessageContaining("invalid hostname");
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").cgroupsPath("berth/x")))
                .isInstanceOf(ContainerException.class).hasMessageContaining("berth/x is not an absolute path");
        assertThatThrownBy(() -> json(Specs.of(work.resolve("nothing"), "sh")))
                .isInstanceOf(ContainerException.class).hasMessageContaining("is not a directory");
        assertThatThrownBy(() -> json(Specs.of(rootfs, "sh").user("ghost")))
                .isInstanceOf(ContainerException.class).hasMessageContaining("unable to find user ghost");
        assertThat(json(Specs.of(rootfs, "sh").cgroupsPath("/berth/c1")).get("linux").get("cgroupsPath").asString())
                .isEqualTo("/berth/c1");
    }

    @Test
    void writeIsAtomicAndLeavesNothingBehindOnBadInput() throws IOException {
        Path bundle = work.resolve("bundle");
        BundleSpec spec = Specs.of(rootfs, "sh", "-c", "echo hi").build();
        RuntimeSpecWriter.write(spec, bundle);
        byte[] first = Files.readAllBytes(bundle.resolve("config.json"));
        assertThat(new String(first, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(Json.mapper().writeValueAsString(RuntimeSpecWriter.toJson(spec)));

        assertThatThrownBy(() -> RuntimeSpecWriter.write(Specs.of(rootfs, "sh").user("ghost").build(), bundle))
                .isInstanceOf(ContainerException.class);
        assertThat(Files.readAllBytes(bundle.resolve("config.json"))).as("the old file is untouched").isEqualTo(first);

        RuntimeSpecWriter.write(Specs.of(rootfs, "true").build(), bundle);
        try (Stream<Path> files = Files.list(bundle)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("config.json");
        }
        assertThat(Json.tree(Files.readAllBytes(bundle.resolve("config.json")), "config.json")
                .get("process").get("args").get(0).asString()).isEqualTo("true");

        Path fresh = work.resolve("never");
        assertThatThrownBy(() -> RuntimeSpecWriter.write(Specs.of(rootfs).build(), fresh))
                .isInstanceOf(ContainerException.class);
        assertThat(fresh).doesNotExist();
    }

    @Test
    void toJsonHandsOutACopyOfTheSharedSeccompPolicy() {
        BundleSpec spec = Specs.of(rootfs, "sh").build();
        ObjectNode first = RuntimeSpecWriter.toJson(spec);
        ((ObjectNode) first.get("linux").get("seccomp")).put("defaultAction", "SCMP_ACT_ALLOW");
        assertThat(RuntimeSpecWriter.toJson(spec).get("linux").get("seccomp").get("defaultAction").asString())
                .isEqualTo("SCMP_ACT_ERRNO");
    }

    @Test
    void execProcessFile() throws IOException {
        Path file = work.resolve("exec/p.json");
        RuntimeSpecWriter.writeExecProcess(new ExecSpec(List.of("id"), List.of("X=1"), "", "alice", false), rootfs, file);
        JsonNode p = Json.tree(Files.readAllBytes(file), "process.json");
        assertThat(strings(p.get("args"))).containsExactly("id");
        assertThat(strings(p.get("env"))).containsExactly(
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "X=1", "HOME=/home/alice");
        assertThat(p.get("cwd").asString()).isEqualTo("/");
        assertThat(p.get("user").get("uid").asInt()).isEqualTo(1000);
        assertThat(p.get("capabilities").get("effective").isEmpty()).isTrue();
        assertThat(strings(p.get("capabilities").get("bounding"))).containsExactlyElementsOf(DOCKER_CAPS);

        assertThatThrownBy(() -> RuntimeSpecWriter.writeExecProcess(
                new ExecSpec(List.of("id"), List.of(), "", "ghost", false), rootfs, work.resolve("exec/q.json")))
                .isInstanceOf(ContainerException.class).hasMessageContaining("unable to find user ghost");
        assertThat(work.resolve("exec/q.json")).doesNotExist();
    }

    /** Start latency matters: building and writing a bundle must stay far below runc's own start time. */
    @Test
    void buildingAndWritingABundleIsCheap() throws IOException {
        Path data = Files.createDirectories(work.resolve("data"));
        BundleSpec spec = Specs.of(rootfs, "python", "-m", "server").user("alice").env("A=1", "B=2")
                .binds(new BindMount(data, "/data", true)).tmpfs("/tmp:size=64m")
                .resources(512L << 20, 2_000_000_000L, 256).cgroupsPath("/berth/x").build();
        Path bundle = work.resolve("perf");
        for (int i = 0; i < 2_000; i++) { // warm-up
            RuntimeSpecWriter.write(spec, bundle);
        }
        int rounds = 2_000;
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            RuntimeSpecWriter.write(spec, bundle);
        }
        double micros = (System.nanoTime() - start) / 1_000.0 / rounds;
        System.out.printf("RuntimeSpecWriter.write (user lookup + JSON + atomic write): %.1f us per bundle%n", micros);
        assertThat(micros).as("microseconds per bundle").isLessThan(5_000);
    }
}
