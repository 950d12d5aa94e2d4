package dev.berth.daemon.engine;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.EngineException.Kind;
import dev.berth.daemon.api.ContainerState;
import dev.berth.daemon.api.HostConfig;
import dev.berth.oci.OciException;
import dev.berth.oci.store.AtomicFiles;
import dev.berth.runtime.ContainerException;
import dev.berth.runtime.bundle.BindMount;
import dev.berth.runtime.bundle.BundleSpec;
import dev.berth.runtime.bundle.NetworkNamespace;
import dev.berth.runtime.bundle.Resources;
import dev.berth.runtime.bundle.RuntimeSpecWriter;
import dev.berth.runtime.bundle.TmpfsMount;
import dev.berth.runtime.cgroup.Cgroups;
import dev.berth.runtime.monitor.Conmon;
import dev.berth.runtime.network.Attachment;
import dev.berth.runtime.network.BridgeNetwork;
import dev.berth.runtime.network.PortMapping;
import dev.berth.runtime.sys.Mounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Starting a container and settling its end. Start takes, in order, each thing a running container holds (mounted
 * root, bundle, monitor, network attachment) after recording it in the container's state, and gives everything back
 * if a later step fails; the end (and recovery after an engine crash) gives back whatever the state says is held.
 */
final class Lifecycle {
    private static final System.Logger LOG = System.getLogger(Lifecycle.class.getName());

    private final Engine engine;
    private final Set<String> settling = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile Cgroups cgroups;

    Lifecycle(Engine engine) {
        this.engine = engine;
    }

    /** conmon names the exit file after the container ID it was given with -c. */
    static Path exitFile(Engine engine, String id) {
        return engine.paths.exits().resolve(id);
    }

    static String cgroupsPath(String id) {
        return "/berth/" + id;
    }

    private Cgroups cgroups() {
        Cgroups c = cgroups;
        if (c == null) {
            cgroups = c = Cgroups.detect();
        }
        return c;
    }

    // ---- start

    /** Starts {@code c}; the caller holds its lock. On failure nothing is held and the error is recorded. */
    void start(Container c) {
        HostConfig host = c.record.hostConfig();
        boolean bridged = host.networkMode().equals("bridge");
        List<PortMapping> ports = portMappings(host);
        try {
            if (bridged) {
                for (PortMapping p : ports) {
                    if (p.hostPort() != 0) {
                        BridgeNetwork.checkHostPortFree(p);
                    }
                }
            }
            startSteps(c, host, bridged, ports);
        } catch (RuntimeException e) {
            try {
                release(c);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            EngineException failure = classify(e);
            c.update(c.state().withState(StateChanges.failedToStart(c.status(), failure.getMessage(), failure.exitCode()))
                    .withMonitorPid(0).withMounted(false).withNetwork(null));
            throw failure;
        }
    }

    private void startSteps(Container c, HostConfig host, boolean bridged, List<PortMapping> ports) {
        ContainerFiles f = c.files;
        String id = c.id();
        long t0 = System.nanoTime();
        List<Path> lowers = engine.snapshots.lowerDirectories(engine.images, engine.imageOf(c));
        trace(t0, "layers");
        try {
            Files.createDirectories(f.upper());
            Files.createDirectories(f.work());
            Files.createDirectories(f.rootfs());
            Files.createDirectories(f.bundle());
            Files.createDirectories(f.persist());
            Files.deleteIfExists(f.persist().resolve("oom"));
            Files.deleteIfExists(f.persist().resolve("exit"));
            Files.deleteIfExists(exitFile(engine, id));
        } catch (IOException e) {
            throw new EngineException("cannot prepare the container's directories: " + e.getMessage(), e);
        }
        c.update(c.state().withMounted(true));
        Mounts.overlay(lowers, f.upper(), f.work(), f.rootfs());
        trace(t0, "mounted");
        var config = c.record.config();
        try {
            HostFiles.writeHostname(f.hostname(), config.hostname());
            HostFiles.writeHosts(f.hosts(), null, config.hostname(), c.record.name(), List.of());
            HostFiles.writeResolvConf(f.resolvConf(), bridged);
        } catch (IOException e) {
            throw new EngineException("cannot write the container's /etc files: " + e.getMessage(), e);
        }
        List<BindMount> binds = new ArrayList<>();
        for (String bind : host.binds()) {
            Validation.BindSpec b = Validation.BindSpec.parse(bind);
            binds.add(new BindMount(Path.of(b.source()), b.destination(), b.readOnly()));
        }
        List<TmpfsMount> tmpfs = new ArrayList<>();
        for (Map.Entry<String, String> t : new java.util.TreeMap<>(host.tmpfs()).entrySet()) {
            tmpfs.add(TmpfsMount.parse(t.getValue() == null || t.getValue().isEmpty() ? t.getKey() : t.getKey() + ":" + t.getValue()));
        }
        long pids = host.pidsLimit() == null || host.pidsLimit() <= 0 ? 0 : host.pidsLimit();
        NetworkNamespace netns = host.networkMode().equals("host") ? new NetworkNamespace.HostNamespace()
                : new NetworkNamespace.NewNamespace();
        BundleSpec spec = new BundleSpec(id, f.rootfs(), host.readonlyRootfs(), c.record.argv(), config.env(),
                config.workingDir(), config.user(), config.hostname(), binds, tmpfs,
                new Resources(host.memory(), host.nanoCpus(), pids), netns, f.hosts(), f.hostname(), f.resolvConf(),
                cgroupsPath(id), host.securityOpt().contains("no-new-privileges") || host.securityOpt().contains("no-new-privileges:true"),
                Map.of("dev.berth.container.name", c.record.name()));
        RuntimeSpecWriter.write(spec, f.bundle());
        trace(t0, "bundle written");
        LogOptions logs = LogOptions.of(host.logConfig());
        Conmon.Created created = engine.runtime.conmon().create(id, c.record.name(), f.monitor(), logs.maxSize());
        trace(t0, "created by conmon and runc");
        c.update(c.state().withMonitorPid(created.monitorPid()));
        if (bridged) {
            Attachment a = engine.runtime.bridge().attach(id, c.record.name(), created.containerPid(), ports);
            List<StoredState.PublishedPort> published = a.ports().stream()
                    .map(p -> new StoredState.PublishedPort(p.hostIp(), p.hostPort(), p.containerPort(), p.protocol())).toList();
            c.update(c.state().withNetwork(new StoredState.NetworkInfo(a.ipAddress(), a.prefixLength(), a.gateway(),
                    a.macAddress(), published)));
            refreshHosts();
        }
        engine.runtime.runc().start(id);
        trace(t0, "runc start");
        ContainerState.Health health = config.healthcheck() == null ? null
                : new ContainerState.Health("starting", 0, List.of());
        c.update(c.state().withState(StateChanges.running(c.status(), created.containerPid(), health)));
        HealthChecker.startFor(engine, c);
        LogRotation.startFor(c, logs);
    }

    private static final boolean TRACE = "1".equals(System.getenv("BERTH_TRACE"));

    /** With BERTH_TRACE=1 in the daemon's environment: how long each step of a start took. */
    private static void trace(long t0, String step) {
        if (TRACE) {
            System.err.printf("trace start %.1f ms %s%n", (System.nanoTime() - t0) / 1e6, step);
        }
    }

    static List<PortMapping> portMappings(HostConfig host) {
        List<PortMapping> ports = new ArrayList<>();
        for (Map.Entry<String, List<HostConfig.PortBinding>> e : new java.util.TreeMap<>(host.portBindings()).entrySet()) {
            String[] portProto = e.getKey().split("/", 2);
            int containerPort = Integer.parseInt(portProto[0]);
            String proto = portProto.length == 2 ? portProto[1] : "tcp";
            for (HostConfig.PortBinding b : e.getValue()) {
                int hostPort = b.hostPort() == null || b.hostPort().isEmpty() ? 0 : Integer.parseInt(b.hostPort());
                ports.add(new PortMapping(b.hostIp() == null ? "" : b.hostIp(), hostPort, containerPort, proto));
            }
        }
        return ports;
    }

    /** Maps a failure of the start path to Docker's exit codes: 127 command not found, 126 cannot invoke, else 125. */
    static EngineException classify(RuntimeException e) {
        if (e instanceof EngineException ee) {
            return ee;
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("executable file not found") || (lower.contains("exec:") && lower.contains("no such file or directory"))) {
            return new EngineException(Kind.COMMAND_NOT_FOUND, message, e);
        }
        if (lower.contains("permission denied") || lower.contains("unable to find user") || lower.contains("no matching entries")
                || lower.contains("is a directory")) {
            return new EngineException(Kind.CANNOT_INVOKE, message, e);
        }
        if (e instanceof ContainerException || e instanceof OciException) {
            return new EngineException(Kind.FAILED, message, e);
        }
        return new EngineException(Kind.FAILED, "cannot start the container: " + message, e);
    }

    // ---- exit

    /** Settles an exit conmon recorded: exit code, OOM kill, everything released; then restart policy or auto-remove. */
    void exited(Container c) {
        if (!settling.add(c.id())) {
            return;
        }
        int code;
        try {
            c.lock.lock();
            try {
                Path exitFile = exitFile(engine, c.id());
                String text;
                try {
                    text = Files.exists(exitFile) ? Files.readString(exitFile, StandardCharsets.UTF_8).strip() : null;
                } catch (IOException e) {
                    return;
                }
                if (text == null || text.isEmpty()) {
                    return; // conmon is still writing it: the next event or rescan brings it back
                }
                if (!c.running()) {
                    LOG.log(System.Logger.Level.INFO, "exit of " + c.id() + " while " + c.status().status() + ": discarded");
                    AtomicFiles.deleteQuietly(exitFile); // the end of a start that was rolled back
                    return;
                }
                code = parseCode(text);
                boolean oom = Files.exists(c.files.persist().resolve("oom")) || oomKills(c.id()) > 0;
                settleEnd(c, code, oom, "");
                AtomicFiles.deleteQuietly(exitFile);
            } finally {
                c.lock.unlock();
            }
        } finally {
            settling.remove(c.id());
        }
        c.exited(code);
        engine.afterExit(c, code);
    }

    private long oomKills(String id) {
        try {
            return cgroups().oomKillCount(cgroupsPath(id));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private void settleEnd(Container c, int code, boolean oom, String error) {
        HealthChecker.stop(c);
        LogRotation.stop(c);
        release(c);
        c.update(c.state().withState(StateChanges.exited(c.status(), code, oom, error)).withMonitorPid(0)
                .withMounted(false).withNetwork(null));
        AtomicFiles.deleteQuietly(c.files.persist().resolve("exit"));
    }

    /**
     * Gives back whatever the container may hold: runc's container (and with it the cgroups), the network
     * attachment, the root filesystem mount. Each step tolerates what is already gone, so it is safe after any crash.
     */
    void release(Container c) {
        List<RuntimeException> failures = new ArrayList<>();
        String id = c.id();
        try {
            engine.runtime.runc().deleteIfPresent(id);
        } catch (RuntimeException e) {
            failures.add(e);
        }
        try {
            if (c.state().network() != null || c.record.hostConfig().networkMode().equals("bridge")) {
                BridgeNetwork bridge = engine.runtime.bridgeIfUsed();
                if (bridge != null) {
                    bridge.detach(id);
                    if (c.state().network() != null) {
                        refreshHostsExcept(id);
                    }
                }
            }
        } catch (RuntimeException e) {
            failures.add(e);
        }
        try {
            for (Path mount : Mounts.mountPointsUnder(c.files.dir()).reversed()) {
                Mounts.unmount(mount);
            }
            Mounts.unmount(c.files.rootfs());
        } catch (RuntimeException e) {
            failures.add(e);
        }
        try {
            cgroups().removeIfEmpty(cgroupsPath(id));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "cgroup cleanup of " + id + ": " + e.getMessage());
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw new EngineException("cannot release everything container " + id + " held: " + first.getMessage(), first);
        }
    }

    /** Before removal: stop helpers and release anything a crash may have left. */
    void releaseAll(Container c) {
        HealthChecker.stop(c);
        LogRotation.stop(c);
        release(c);
    }

    // ---- /etc/hosts of containers on the bridge

    private void refreshHosts() {
        refreshHostsExcept(null);
    }

    /**
     * Rewrites the hosts file of every container on the bridge. Containers come and go concurrently, so each one's
     * address is read once into a snapshot; a failure here is logged, never a reason to fail a start or an exit.
     */
    private synchronized void refreshHostsExcept(String leaving) {
        record OnBridge(Container container, StoredState.NetworkInfo network) {
        }
        List<OnBridge> onBridge = new ArrayList<>();
        for (Container other : engine.all()) {
            StoredState.NetworkInfo network = other.state().network();
            if (!other.id().equals(leaving) && network != null) {
                onBridge.add(new OnBridge(other, network));
            }
        }
        for (OnBridge target : onBridge) {
            List<HostFiles.Peer> peers = new ArrayList<>();
            for (OnBridge peer : onBridge) {
                if (peer != target) {
                    List<String> peerNames = new ArrayList<>(List.of(peer.container().record.name()));
                    if (!peer.container().record.config().hostname().equals(peer.container().record.name())) {
                        peerNames.add(peer.container().record.config().hostname());
                    }
                    peers.add(new HostFiles.Peer(peer.network().ipAddress(), peerNames));
                }
            }
            try {
                HostFiles.writeHosts(target.container().files.hosts(), target.network().ipAddress(),
                        target.container().record.config().hostname(), target.container().record.name(), peers);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot update /etc/hosts of " + target.container().id() + ": " + e.getMessage());
            }
        }
    }

    // ---- recovery after an engine restart

    void recover(List<Container> all) {
        Set<String> live = new HashSet<>();
        for (Container c : all) {
            c.lock.lock();
            try {
                if (c.running()) {
                    Path exitFile = exitFile(engine, c.id());
                    if (monitorAlive(c) || Files.exists(exitFile)) {
                        live.add(c.id()); // still running, or its exit is settled by the exit watcher's first scan
                        if (!Files.exists(exitFile)) {
                            HealthChecker.startFor(engine, c);
                            LogRotation.startFor(c, LogOptions.of(c.record.hostConfig().logConfig()));
                        }
                        continue;
                    }
                    // conmon also keeps the status in the persist directory: use it when the exit file is gone
                    Path persisted = c.files.persist().resolve("exit");
                    boolean oom = Files.exists(c.files.persist().resolve("oom"));
                    String text = Files.exists(persisted) ? readQuietly(persisted) : "";
                    if (!text.isEmpty()) {
                        settleEnd(c, parseCode(text), oom, "");
                    } else {
                        // the monitor died with the container and left no status: Docker reports such an end as 255
                        settleEnd(c, 255, oom, "the container's monitor ended without recording an exit status");
                    }
                } else if (c.state().mounted() || c.state().network() != null || c.state().monitorPid() != 0) {
                    release(c);
                    c.update(c.state().withMonitorPid(0).withMounted(false).withNetwork(null));
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "recovering container " + c.id() + ": " + e.getMessage());
            } finally {
                c.lock.unlock();
            }
        }
        try {
            BridgeNetwork bridge = engine.runtime.bridgeIfUsed();
            if (bridge != null) {
                bridge.reconcile(live);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "reconciling the bridge network: " + e.getMessage());
        }
        deleteUnknownRuncContainers(live);
    }

    /** runc containers under this engine's state root that no running container owns (a create cut off by a crash). */
    private void deleteUnknownRuncContainers(Set<String> live) {
        Path root = engine.paths.runcRoot();
        if (!Files.isDirectory(root)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                if (!live.contains(id)) {
                    try {
                        engine.runtime.runc().delete(id, true);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.DEBUG, "deleting stale runc container " + id + ": " + e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot list " + root + ": " + e.getMessage());
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static int parseCode(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 255;
        }
    }

    /** conmon is alive for this container: the recorded PID exists and its command line names the container. */
    static boolean monitorAlive(Container c) {
        int pid = c.state().monitorPid();
        if (pid <= 0) {
            return false;
        }
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "cmdline"));
            String text = new String(cmdline, StandardCharsets.UTF_8);
            return text.contains("conmon") && text.contains(c.id());
        } catch (IOException e) {
            return false;
        }
    }
}
