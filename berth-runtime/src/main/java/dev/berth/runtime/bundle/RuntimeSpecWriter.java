package dev.berth.runtime.bundle;

import dev.berth.oci.json.Json;
import dev.berth.runtime.ContainerException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes OCI runtime-spec 1.0.2 bundles (config.json) and {@code runc exec --process} files with Docker's defaults:
 * pid, mount, uts, ipc and network namespaces; Docker's capability set; its default mounts, masked and read-only
 * paths, device rules and seccomp policy; sysctls that let unprivileged users bind low ports and ping.
 * <p>
 * Memory: the swap limit equals the memory limit (when the host accounts swap), so a container that outgrows
 * {@code --memory} is OOM-killed (exit 137) instead of paging out; Docker's default of twice the limit would let it
 * swap as far again first. No rlimits are set: the container inherits the engine's, and a limit above the host's hard
 * limit would make runc fail.
 */
public final class RuntimeSpecWriter {
    /** The runtime-spec version the files declare; runc 1.1 reads 1.0.x. */
    static final String OCI_VERSION = "1.0.2";
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    static final long CPU_PERIOD_US = 100_000;
    /** Docker's floor for {@code --memory} (6 MiB): less cannot hold a runtime and a process. */
    static final long MIN_MEMORY = 6L << 20;

    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9_+\\-.]+");
    private static final List<String> MASKED_PATHS = List.of(
            "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
            "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap");
    private static final List<String> READONLY_PATHS = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    /** Character devices a container may use (type, major, minor; -1 is any): Docker's default list. */
    private static final long[][] ALLOWED_DEVICES = {
        {'c', 1, 3},    // null
        {'c', 1, 5},    // zero
        {'c', 1, 7},    // full
        {'c', 1, 8},    // random
        {'c', 1, 9},    // urandom
        {'c', 5, 0},    // tty
        {'c', 5, 1},    // console
        {'c', 5, 2},    // ptmx
        {'c', 136, -1}, // pts/*
    };

    private RuntimeSpecWriter() {
    }

    /**
     * Writes {@code bundleDir/config.json} atomically (temp file + rename; created directories included) and returns
     * the process identity the user resolved to. Nothing is written when the spec is invalid.
     */
    public static ResolvedUser write(BundleSpec spec, Path bundleDir) {
        Built built = build(spec, SeccompProfile.forThisHost());
        AtomicFile.write(bundleDir.resolve("config.json"), Json.mapper().writeValueAsBytes(built.json()));
        return built.user();
    }

    /** The config.json tree, for tests and inspection; the caller may modify it freely. */
    public static ObjectNode toJson(BundleSpec spec) {
        return build(spec, SeccompProfile.forThisHost().deepCopy()).json();
    }

    /**
     * Writes a process.json for {@code runc exec --process FILE}: the user is resolved against the container's rootfs
     * and given the same capabilities (by the same root/non-root rule) as the container's own process.
     */
    public static void writeExecProcess(ExecSpec exec, Path rootfs, Path file) {
        checkRootfs(rootfs);
        ResolvedUser user = UserResolver.resolve(rootfs, exec.user());
        List<String> env = env(exec.env(), null, user);
        ObjectNode process = process(exec.args(), env, workingDir(exec.workingDir()), user, exec.noNewPrivileges());
        AtomicFile.write(file, Json.mapper().writeValueAsBytes(process));
    }

    private record Built(ObjectNode json, ResolvedUser user) {
    }

    private static Built build(BundleSpec s, ObjectNode seccomp) {
        if (s.containerId() == null || !CONTAINER_ID.matcher(s.containerId()).matches()
                || s.containerId().equals(".") || s.containerId().equals("..")) {
            throw new ContainerException("invalid container id " + s.containerId()
                    + ": use letters, digits and _ + - . only");
        }
        checkRootfs(s.rootfs());
        String hostname = hostname(s.hostname());
        String cwd = workingDir(s.workingDir());
        ResolvedUser user = UserResolver.resolve(s.rootfs(), s.user());
        List<String> env = env(s.env(), hostname, user);

        ObjectNode root = Json.mapper().createObjectNode();
        root.put("ociVersion", OCI_VERSION);
        root.set("process", process(s.args(), env, cwd, user, s.noNewPrivileges()));
        ObjectNode rootfs = root.putObject("root");
        rootfs.put("path", s.rootfs().toString());
        rootfs.put("readonly", s.readOnlyRootfs());
        root.put("hostname", hostname);
        Mounts.write(root, s);
        linux(root.putObject("linux"), s, seccomp);
        if (!s.annotations().isEmpty()) {
            ObjectNode annotations = root.putObject("annotations");
            s.annotations().forEach(annotations::put);
        }
        return new Built(root, user);
    }

    private static ObjectNode process(List<String> args, List<String> env, String cwd, ResolvedUser user,
            boolean noNewPrivileges) {
        if (args.isEmpty()) {
            throw new ContainerException("no command to run: the image has no entrypoint or cmd and none was given");
        }
        if (args.getFirst().isEmpty()) {
            throw new ContainerException("the command to run is an empty string");
        }
        for (String arg : args) {
            if (arg.indexOf('\0') >= 0) {
                throw new ContainerException("command argument " + Checks.printable(arg) + " contains a NUL character");
            }
        }
        ObjectNode p = Json.mapper().createObjectNode();
        p.put("terminal", false);
        ObjectNode u = p.putObject("user");
        u.put("uid", user.uid());
        u.put("gid", user.gid());
        // The primary group is always a supplementary group too, as Docker, podman and containerd set it since
        // CVE-2022-36109 / CVE-2022-2989: without it a process could shed its group to get past "group may not" modes,
        // and runc would leave the parent's groups in place when the list is empty.
        ArrayNode gids = u.putArray("additionalGids");
        gids.add(user.gid());
        for (int g : user.additionalGids()) {
            if (g != user.gid()) {
                gids.add(g);
            }
        }
        ArrayNode a = p.putArray("args");
        args.forEach(a::add);
        ArrayNode e = p.putArray("env");
        env.forEach(e::add);
        p.put("cwd", cwd);
        Capabilities.write(p, user.isRoot());
        p.put("noNewPrivileges", noNewPrivileges);
        p.put("oomScoreAdj", 0);
        return p;
    }

    /** The final environment: PATH and HOSTNAME first when absent (as Docker orders them), HOME last when absent. */
    static List<String> env(List<String> given, String hostname, ResolvedUser user) {
        boolean hasPath = false;
        boolean hasHostname = false;
        boolean hasHome = false;
        for (String kv : given) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new ContainerException("invalid environment entry \"" + Checks.printable(kv)
                        + "\": it must be KEY=VALUE");
            }
            if (kv.indexOf('\0') >= 0) {
                throw new ContainerException("environment entry " + Checks.printable(kv) + " contains a NUL character");
            }
            String key = kv.substring(0, eq);
            hasPath |= key.equals("PATH");
            hasHostname |= key.equals("HOSTNAME");
            hasHome |= key.equals("HOME");
        }
        List<String> env = new ArrayList<>(given.size() + 3);
        if (!hasPath) {
            env.add("PATH=" + DEFAULT_PATH);
        }
        if (!hasHostname && hostname != null) {
            env.add("HOSTNAME=" + hostname);
        }
        env.addAll(given);
        if (!hasHome) {
            env.add("HOME=" + user.home());
        }
        return env;
    }

    private static void linux(ObjectNode linux, BundleSpec s, ObjectNode seccomp) {
        ArrayNode ns = linux.putArray("namespaces");
        ns.addObject().put("type", "pid");
        switch (s.network()) {
            case NetworkNamespace.NewNamespace n -> ns.addObject().put("type", "network");
            case NetworkNamespace.HostNamespace h -> { }
            case NetworkNamespace.ExistingNamespace x -> {
                if (x.path() == null || !x.path().isAbsolute() || !Files.exists(x.path())) {
                    throw new ContainerException("network namespace " + x.path() + " does not exist");
                }
                ns.addObject().put("type", "network").put("path", x.path().toString());
            }
        }
        ns.addObject().put("type", "ipc");
        ns.addObject().put("type", "uts");
        ns.addObject().put("type", "mount");
        if (HostCgroups.unifiedOnly()) {
            ns.addObject().put("type", "cgroup"); // Docker's default on cgroup v2: a private cgroup namespace
        }

        if (!s.cgroupsPath().isEmpty()) {
            linux.put("cgroupsPath", Checks.containerPath(s.cgroupsPath(), "cgroups path"));
        }
        resources(linux.putObject("resources"), s.resources());

        if (!(s.network() instanceof NetworkNamespace.HostNamespace)) {
            // Per-network-namespace sysctls Docker sets so that non-root processes can bind ports below 1024 and
            // use ICMP echo sockets; with the host's network they would change the host, so they are left alone.
            ObjectNode sysctl = linux.putObject("sysctl");
            sysctl.put("net.ipv4.ip_unprivileged_port_start", "0");
            sysctl.put("net.ipv4.ping_group_range", "0 2147483647");
        }
        ArrayNode masked = linux.putArray("maskedPaths");
        MASKED_PATHS.forEach(masked::add);
        ArrayNode readonly = linux.putArray("readonlyPaths");
        READONLY_PATHS.forEach(readonly::add);
        linux.set("seccomp", seccomp);
    }

    private static void resources(ObjectNode res, Resources r) {
        ArrayNode devices = res.putArray("devices");
        devices.addObject().put("allow", false).put("access", "rwm");
        // mknod of any device is allowed (CAP_MKNOD is in the default set); using it is not, unless listed below.
        devices.addObject().put("allow", true).put("type", "c").put("access", "m");
        devices.addObject().put("allow", true).put("type", "b").put("access", "m");
        for (long[] d : ALLOWED_DEVICES) {
            ObjectNode o = devices.addObject().put("allow", true).put("type", String.valueOf((char) d[0]));
            o.put("major", d[1]);
            if (d[2] >= 0) {
                o.put("minor", d[2]);
            }
            o.put("access", "rwm");
        }

        if (r.memoryBytes() < 0) {
            throw new ContainerException("invalid memory limit " + r.memoryBytes() + ": it cannot be negative");
        }
        if (r.memoryBytes() > 0) {
            if (r.memoryBytes() < MIN_MEMORY) {
                throw new ContainerException("memory limit " + r.memoryBytes() + " bytes is too small: the minimum is 6MB");
            }
            ObjectNode mem = res.putObject("memory");
            mem.put("limit", r.memoryBytes());
            if (HostCgroups.swapLimitSupported()) {
                mem.put("swap", r.memoryBytes());
            }
        }

        if (r.nanoCpus() != 0) {
            long cpus = Runtime.getRuntime().availableProcessors();
            if (r.nanoCpus() < 10_000_000L || r.nanoCpus() > cpus * 1_000_000_000L) {
                throw new ContainerException("invalid --cpus " + formatCpus(r.nanoCpus()) + ": the range is 0.01 to "
                        + cpus + ".00, as there are only " + cpus + " CPUs available");
            }
            ObjectNode cpu = res.putObject("cpu");
            cpu.put("quota", cpuQuota(r.nanoCpus()));
            cpu.put("period", CPU_PERIOD_US);
        }

        if (r.pidsLimit() < -1) {
            throw new ContainerException("invalid pids limit " + r.pidsLimit() + ": use a positive number, or 0 or -1 for none");
        }
        if (r.pidsLimit() > 0) {
            res.putObject("pids").put("limit", r.pidsLimit());
        }
    }

    /** CFS quota in microseconds per {@link #CPU_PERIOD_US}: 1.5 CPUs give 150000. */
    static long cpuQuota(long nanoCpus) {
        return nanoCpus * CPU_PERIOD_US / 1_000_000_000L; // no overflow below 92 million CPUs
    }

    private static String formatCpus(long nanoCpus) {
        return BigDecimal.valueOf(nanoCpus, 9).stripTrailingZeros().toPlainString();
    }

    private static void checkRootfs(Path rootfs) {
        if (rootfs == null || !rootfs.isAbsolute()) {
            throw new ContainerException("the root filesystem path " + rootfs + " is not absolute");
        }
        if (!Files.isDirectory(rootfs)) {
            throw new ContainerException("the root filesystem " + rootfs + " is not a directory");
        }
    }

    private static String workingDir(String dir) {
        if (dir.isEmpty()) {
            return "/";
        }
        if (!dir.startsWith("/")) {
            throw new ContainerException("the working directory " + dir + " is invalid: it needs to be an absolute path");
        }
        if (dir.indexOf('\0') >= 0) {
            throw new ContainerException("the working directory " + Checks.printable(dir) + " contains a NUL character");
        }
        return dir;
    }

    private static String hostname(String name) {
        if (name == null || name.isEmpty()) {
            throw new ContainerException("the container has no hostname");
        }
        if (name.length() > 64) {
            throw new ContainerException("hostname " + name + " is longer than 64 characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c == '/' || c >= 127) {
                throw new ContainerException("invalid hostname \"" + Checks.printable(name)
                        + "\": use letters, digits, '-' and '.'");
            }
        }
        return name;
    }
}
