package dev.berth.runtime.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real containers with runc from bundles the writer made, and checks inside what the spec promised. */
class RuncBundleTest {
    @TempDir
    Path work;

    private Runc runc;
    private Path rootfs;
    private final List<String[]> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        runc = Runc.in(work);
        rootfs = BusyboxRootfs.create(work.resolve("rootfs"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String[] c : started) {
            runc.delete(c[0], c[1]);
        }
    }

    /** A fresh id and cgroup per container, registered for cleanup before anything can fail. */
    private Specs container(String... args) {
        String id = "berth-spec-" + UUID.randomUUID().toString().substring(0, 8);
        String cgroup = "/berth-test/" + id;
        started.add(new String[] {id, cgroup});
        return Specs.of(rootfs, args).id(id).cgroupsPath(cgroup);
    }

    private Runc.Result run(Specs specs) throws Exception {
        BundleSpec spec = specs.build();
        Path bundle = work.resolve("bundle-" + spec.containerId());
        RuntimeSpecWriter.write(spec, bundle);
        return runc.run(bundle, spec.containerId());
    }

    /** Docker's default capabilities as the bit mask /proc/PID/status prints, from their numbers in capability.h. */
    private static final long DEFAULT_CAPS_MASK = mask(0 /* CHOWN */, 1 /* DAC_OVERRIDE */, 3 /* FOWNER */,
            4 /* FSETID */, 5 /* KILL */, 6 /* SETGID */, 7 /* SETUID */, 8 /* SETPCAP */, 10 /* NET_BIND_SERVICE */,
            13 /* NET_RAW */, 18 /* SYS_CHROOT */, 27 /* MKNOD */, 29 /* AUDIT_WRITE */, 31 /* SETFCAP */);

    private static long mask(int... bits) {
        long m = 0;
        for (int b : bits) {
            m |= 1L << b;
        }
        return m;
    }

    private static String line(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> l.substring(prefix.length()).strip())
                .orElseThrow(() -> new AssertionError("no line starting with " + prefix + " in:\n" + output));
    }

    private static Runc.Result ok(Runc.Result r) {
        assertThat(r.exitCode()).as("exit code; stdout:%n%s%nstderr:%n%s", r.stdout(), r.stderr()).isZero();
        return r;
    }

    @Test
    void namedUserGetsPasswdIdsSupplementaryGroupsAndHome() throws Exception {
        Specs specs = container("sh", "-c", "id -u; id -g; id -G; echo HOME=$HOME").user("alice");
        Runc.Result r = ok(run(specs));
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.get(0)).isEqualTo("1000");
        assertThat(lines.get(1)).isEqualTo("1000");
        assertThat(lines.get(2).split(" ")).containsExactlyInAnyOrder("1000", "44", "50");
        assertThat(lines.get(3)).isEqualTo("HOME=/home/alice");
    }

    @Test
    void numericUserAndGroupNeedNoEntriesAndGetNoSupplementaryGroups() throws Exception {
        Runc.Result r = ok(run(container("sh", "-c", "id -u; id -g; id -G; echo HOME=$HOME").user("1000:1000")));
        assertThat(r.stdout().lines().toList()).containsExactly("1000", "1000", "1000", "HOME=/home/alice");

        Runc.Result unknown = ok(run(container("sh", "-c", "id -u; id -g; echo HOME=$HOME").user("4242")));
        assertThat(unknown.stdout().lines().toList()).containsExactly("4242", "0", "HOME=/");
    }

    @Test
    void hostnameWorkingDirectoryAndEnvironment() throws Exception {
        Specs specs = container("sh", "-c", "hostname; pwd; env")
                .hostname("model-7").workingDir("/work").env("FOO=bar baz");
        Runc.Result r = ok(run(specs));
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.get(0)).isEqualTo("model-7");
        assertThat(lines.get(1)).isEqualTo("/work");
        assertThat(lines).contains("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "HOSTNAME=model-7", "HOME=/root", "FOO=bar baz");
    }

    @Test
    void rootHasDockersDefaultCapabilitiesUnderSeccomp() throws Exception {
        Runc.Result r = ok(run(container("cat", "/proc/self/status")));
        String status = r.stdout();
        assertThat(Long.parseLong(line(status, "CapEff:"), 16)).isEqualTo(DEFAULT_CAPS_MASK).isEqualTo(0xa80425fbL);
        assertThat(Long.parseLong(line(status, "CapPrm:"), 16)).isEqualTo(DEFAULT_CAPS_MASK);
        assertThat(Long.parseLong(line(status, "CapBnd:"), 16)).isEqualTo(DEFAULT_CAPS_MASK);
        assertThat(Long.parseLong(line(status, "CapInh:"), 16)).isZero();
        assertThat(Long.parseLong(line(status, "CapAmb:"), 16)).isZero();
        assertThat(line(status, "NoNewPrivs:")).isEqualTo("0");
        assertThat(line(status, "Seccomp:")).isEqualTo("2"); // filter mode
    }

    @Test
    void nonRootUserKeepsOnlyTheBoundingSetAndNoNewPrivilegesHolds() throws Exception {
        Runc.Result r = ok(run(container("cat", "/proc/self/status").user("bob").noNewPrivileges()));
        String status = r.stdout();
        assertThat(Long.parseLong(line(status, "CapEff:"), 16)).isZero();
        assertThat(Long.parseLong(line(status, "CapPrm:"), 16)).isZero();
        assertThat(Long.parseLong(line(status, "CapBnd:"), 16)).isEqualTo(DEFAULT_CAPS_MASK);
        assertThat(line(status, "NoNewPrivs:")).isEqualTo("1");
        assertThat(line(status, "Uid:")).startsWith("1001");
    }

    @Test
    void seccompBlocksNewNamespacesThatTheKernelWouldOtherwiseAllow() throws Exception {
        // unshare(CLONE_NEWUSER) needs no capability, so only the seccomp policy can refuse it.
        Runc.Result blocked = run(container("unshare", "-U", "true"));
        assertThat(blocked.exitCode()).isNotZero();
        assertThat(blocked.stdout() + blocked.stderr()).contains("Operation not permitted");

        Specs specs = container("unshare", "-U", "true");
        BundleSpec spec = specs.build();
        Path bundle = work.resolve("bundle-" + spec.containerId());
        RuntimeSpecWriter.write(spec, bundle);
        tools.jackson.databind.node.ObjectNode config = RuntimeSpecWriter.toJson(spec);
        ((tools.jackson.databind.node.ObjectNode) config.get("linux")).remove("seccomp");
        Files.write(bundle.resolve("config.json"), dev.berth.oci.json.Json.mapper().writeValueAsBytes(config));
        ok(runc.run(bundle, spec.containerId()));

        // personality(PER_LINUX32) is one of the values the policy lets through.
        Runc.Result linux32 = ok(run(container("linux32", "sh", "-c", "true")));
        assertThat(linux32.stderr()).isEmpty();
    }

    @Test
    void readOnlyRootfsWithWritableTmpfs() throws Exception {
        Specs specs = container("sh", "-c",
                "touch /blocked 2>&1; echo root=$?; touch /tmp/ok && echo tmp=$?; grep ' /tmp ' /proc/mounts")
                .readOnly().tmpfs("/tmp:size=1m");
        Runc.Result r = ok(run(specs));
        assertThat(r.stdout()).contains("Read-only file system").contains("root=1").contains("tmp=0");
        String tmpMount = line(r.stdout(), "tmpfs /tmp tmpfs ");
        assertThat(tmpMount).contains("rw").contains("nosuid").contains("nodev").contains("noexec")
                .contains("size=1024k");
        assertThat(Files.exists(rootfs.resolve("blocked"))).isFalse();
    }

    @Test
    void bindMountsAreReadOnlyOrWritableAsAsked() throws Exception {
        Path in = Files.createDirectories(work.resolve("in"));
        Files.writeString(in.resolve("hello"), "from the host\n");
        Path out = Files.createDirectories(work.resolve("out"));
        Specs specs = container("sh", "-c",
                "cat /data/hello; touch /data/new 2>&1; echo ro=$?; echo written > /out/result; echo rw=$?")
                .binds(new BindMount(in, "/data", true), new BindMount(out, "/out", false));
        Runc.Result r = ok(run(specs));
        assertThat(r.stdout()).contains("from the host").contains("Read-only file system").contains("ro=1")
                .contains("rw=0");
        assertThat(Files.exists(in.resolve("new"))).isFalse();
        assertThat(Files.readString(out.resolve("result"))).isEqualTo("written\n");
    }

    @Test
    void maskedAndReadOnlyKernelPaths() throws Exception {
        // /proc/kcore is not built into every kernel (this one may lack it); /proc/timer_list always has content.
        assertThat(Files.readString(Path.of("/proc/timer_list"))).as("the host's /proc/timer_list").isNotEmpty();
        Runc.Result r = ok(run(container("sh", "-c",
                "echo timer_list=$(wc -c < /proc/timer_list); [ -e /proc/kcore ] && echo kcore=$(wc -c < /proc/kcore);"
                        + " echo firmware=$(ls -A /sys/firmware | wc -l);"
                        + " echo 1 > /proc/sysrq-trigger; echo sysrq=$?; echo 1 > /proc/sys/vm/drop_caches; echo sys=$?")));
        assertThat(r.stdout()).contains("timer_list=0", "firmware=0", "sysrq=1", "sys=1");
        if (Files.exists(Path.of("/proc/kcore"))) {
            assertThat(r.stdout()).contains("kcore=0");
        }
        assertThat(r.stderr()).contains("Read-only file system");
    }

    @Test
    void defaultDevicesWorkAndTheNetworkNamespaceIsEmpty() throws Exception {
        Runc.Result r = ok(run(container("sh", "-c",
                "echo x > /dev/null && head -c 8 /dev/urandom | wc -c; head -c 4 /dev/zero | wc -c; ls /dev;"
                        + " ls /sys/class/net; cat /proc/sys/net/ipv4/ip_unprivileged_port_start"
                        + " /proc/sys/net/ipv4/ping_group_range")));
        List<String> lines = r.stdout().lines().map(String::strip).toList();
        assertThat(lines.get(0)).isEqualTo("8");
        assertThat(lines.get(1)).isEqualTo("4");
        assertThat(lines).contains("null", "zero", "full", "random", "urandom", "tty", "ptmx", "pts", "shm",
                "mqueue", "lo", "0");
        assertThat(lines).doesNotContain("eth0");
        assertThat(r.stdout()).containsPattern("0\\s+2147483647");
    }

    @Test
    void limitsReachTheContainersCgroup() throws Exception {
        Specs specs = container("sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes"
                + " /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us; echo ready; sleep 60")
                .resources(64L << 20, 500_000_000L, 50);
        BundleSpec spec = specs.build();
        Path bundle = work.resolve("bundle-" + spec.containerId());
        RuntimeSpecWriter.write(spec, bundle);
        Path stdout = runc.runDetached(bundle, spec.containerId());
        String inside = waitFor(stdout, "ready");
        assertThat(inside.lines().toList()).startsWith(String.valueOf(64L << 20), "50", "50000");

        Path memory = Path.of("/sys/fs/cgroup/memory").resolve(spec.cgroupsPath().substring(1));
        assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).strip()).isEqualTo(String.valueOf(64L << 20));
        if (HostCgroups.swapLimitSupported()) {
            assertThat(Files.readString(memory.resolve("memory.memsw.limit_in_bytes")).strip())
                    .isEqualTo(String.valueOf(64L << 20));
        }
        Path pids = Path.of("/sys/fs/cgroup/pids").resolve(spec.cgroupsPath().substring(1));
        assertThat(Files.readString(pids.resolve("pids.max")).strip()).isEqualTo("50");
        Path cpu = Path.of("/sys/fs/cgroup/cpu").resolve(spec.cgroupsPath().substring(1));
        assertThat(Files.readString(cpu.resolve("cpu.cfs_quota_us")).strip()).isEqualTo("50000");
        assertThat(Files.readString(cpu.resolve("cpu.cfs_period_us")).strip()).isEqualTo("100000");
        Path devices = Path.of("/sys/fs/cgroup/devices").resolve(spec.cgroupsPath().substring(1));
        assertThat(Files.readString(devices.resolve("devices.list")))
                .contains("c 1:3 rwm", "c 1:9 rwm", "c 136:* rwm", "c *:* m").doesNotContain("a *:* rwm");
    }

    @Test
    void aContainerOverItsMemoryLimitIsOomKilled() throws Exception {
        // tail keeps the last N bytes of an endless stream: it grows until the cgroup's limit stops it.
        Runc.Result r = run(container("tail", "-c", "200000000", "/dev/zero").resources(16L << 20, 0, 0));
        assertThat(r.exitCode()).isEqualTo(137);
    }

    @Test
    void pidsLimitStopsForks() throws Exception {
        Runc.Result r = run(container("sh", "-c",
                "for i in 1 2 3 4 5 6 7 8; do sleep 5 & done 2>&1; echo done").resources(0, 0, 4));
        assertThat(r.stdout() + r.stderr()).containsIgnoringCase("can't fork");
    }

    @Test
    void execProcessRunsAsTheResolvedUserWithTheContainersCapabilityRule() throws Exception {
        Specs specs = container("sleep", "60");
        BundleSpec spec = specs.build();
        Path bundle = work.resolve("bundle-" + spec.containerId());
        RuntimeSpecWriter.write(spec, bundle);
        runc.runDetached(bundle, spec.containerId());

        Path process = work.resolve("exec/process.json");
        RuntimeSpecWriter.writeExecProcess(new ExecSpec(
                List.of("sh", "-c", "id -u; id -g; id -G; pwd; echo HOME=$HOME; grep CapEff /proc/self/status"),
                List.of("X=1"), "/work", "alice", true), rootfs, process);
        Runc.Result r = ok(runc.execProcess(spec.containerId(), process));
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.get(0)).isEqualTo("1000");
        assertThat(lines.get(1)).isEqualTo("1000");
        assertThat(lines.get(2).split(" ")).containsExactlyInAnyOrder("1000", "44", "50");
        assertThat(lines.get(3)).isEqualTo("/work");
        assertThat(lines.get(4)).isEqualTo("HOME=/home/alice");
        assertThat(Long.parseLong(line(r.stdout(), "CapEff:"), 16)).isZero();
    }

    @Test
    void etcFilesAreMountedWritableUnlessTheRootIsReadOnly() throws Exception {
        Path etc = Files.createDirectories(work.resolve("etc-files"));
        Path hosts = Files.writeString(etc.resolve("hosts"), "127.0.0.1 localhost\n10.9.8.7 box\n");
        Path hostname = Files.writeString(etc.resolve("hostname"), "box\n");
        Path resolv = Files.writeString(etc.resolve("resolv.conf"), "nameserver 10.9.8.1\n");
        String script = "cat /etc/hosts /etc/hostname /etc/resolv.conf; echo '# more' >> /etc/hosts; echo w=$?";

        Runc.Result rw = ok(run(container("sh", "-c", script).etcFiles(hosts, hostname, resolv)));
        assertThat(rw.stdout()).contains("10.9.8.7 box", "nameserver 10.9.8.1", "w=0");
        assertThat(Files.readString(hosts)).endsWith("# more\n");

        Runc.Result ro = ok(run(container("sh", "-c", script).etcFiles(hosts, hostname, resolv).readOnly()));
        assertThat(ro.stdout() + ro.stderr()).contains("Read-only file system", "w=1");
    }

    /** Reads a detached container's stdout until a line appears (or 20 s pass). */
    private static String waitFor(Path file, String marker) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            String s = Files.exists(file) ? Files.readString(file) : "";
            if (s.lines().anyMatch(marker::equals)) {
                return s;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("container never printed " + marker + "; output so far: "
                + (Files.exists(file) ? Files.readString(file) : ""));
    }
}
