package dev.berth.daemon.engine;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.EngineException.Kind;
import dev.berth.daemon.api.ContainerInspect;
import dev.berth.daemon.api.ContainerState;
import dev.berth.daemon.api.ContainerSummary;
import dev.berth.daemon.api.CreateRequest;
import dev.berth.daemon.api.HostConfig;
import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.json.Json;
import dev.berth.oci.store.AtomicFiles;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.StorePaths;
import dev.berth.runtime.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The container engine of one Berth root: creates containers from stored images, starts them through conmon and
 * runc, follows their ends, applies restart policies and health checks, and removes them leaving nothing behind. Its
 * memory is only a cache of what is on disk: {@link #open} rebuilds it from the containers' directories and from
 * whatever their monitors recorded while no engine was running.
 */
public final class Engine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final SecureRandom RANDOM = new SecureRandom();

    final EnginePaths paths;
    final ImageStore images;
    final SnapshotStore snapshots;
    final Runtime runtime;
    private final Map<String, Container> containers = new ConcurrentHashMap<>();
    private final Object names = new Object();
    private final ExitWatcher exitWatcher;
    private final Lifecycle lifecycle;
    private volatile boolean closed;

    private Engine(Path root) {
        this.paths = new EnginePaths(root);
        this.images = ImageStore.open(root);
        this.snapshots = SnapshotStore.open(root);
        try {
            Files.createDirectories(paths.containers());
            Files.createDirectories(paths.exits());
            Files.createDirectories(paths.monitorSockets());
            Files.createDirectories(paths.runcRoot());
        } catch (IOException e) {
            throw new EngineException("cannot create the engine's directories under " + root + ": " + e.getMessage(), e);
        }
        this.runtime = new Runtime(paths);
        this.lifecycle = new Lifecycle(this);
        this.exitWatcher = new ExitWatcher(paths.exits(), this::onExitFile);
    }

    /** Opens the engine of {@code root}: loads every container and settles those that changed while it was away. */
    public static Engine open(Path root) {
        Engine engine = new Engine(root);
        engine.recover();
        engine.exitWatcher.start();
        return engine;
    }

    public static Engine openDefault() {
        return open(StorePaths.defaultRoot());
    }

    public EnginePaths paths() {
        return paths;
    }

    // ---- create, start, stop, remove

    /** Creates a container (Docker's {@code POST /containers/create}); returns its ID. */
    public String create(CreateRequest request, String requestedName) {
        if (request.image() == null || request.image().isBlank()) {
            throw new EngineException(Kind.INVALID, "no image given");
        }
        HostConfig host = request.hostConfig() == null ? HostConfig.defaults() : request.hostConfig();
        Validation.hostConfig(host);
        Image image;
        try {
            image = images.find(request.image()).orElseThrow(() -> new EngineException(Kind.NOT_FOUND,
                    "No such image: " + request.image()));
        } catch (OciException e) {
            throw new EngineException(Kind.INVALID, e.getMessage(), e);
        }
        String id = newId();
        String hostname = request.hostname() != null && !request.hostname().isEmpty() ? request.hostname() : id.substring(0, 12);
        ContainerInspect.Config config = ConfigMerger.merge(image.config(), request, request.image(), hostname);
        List<String> argv = new ArrayList<>(config.entrypoint());
        argv.addAll(config.cmd());
        ContainerRecord record = new ContainerRecord(id, "", Times.format(Instant.now()), request.image(),
                image.id().toString(), image.manifestDescriptor().digest().toString(),
                SnapshotStore.chainIds(image.config().diffIds()), argv.getFirst(), List.copyOf(argv.subList(1, argv.size())),
                config, host);
        synchronized (names) {
            String name = requestedName == null || requestedName.isEmpty() ? Names.generate(this::nameTaken) : requestedName;
            if (name.startsWith("/")) {
                name = name.substring(1);
            }
            if (!NAME.matcher(name).matches()) {
                throw new EngineException(Kind.INVALID, "Invalid container name (" + name
                        + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
            }
            Optional<Container> holder = byName(name);
            if (holder.isPresent()) {
                throw new EngineException(Kind.CONFLICT, "Conflict. The container name \"/" + name
                        + "\" is already in use by container \"" + holder.get().id()
                        + "\". You have to remove (or rename) that container to be able to reuse that name.");
            }
            record = new ContainerRecord(id, name, record.created(), record.image(), record.imageId(),
                    record.manifestDigest(), record.chainIds(), record.path(), record.args(), record.config(), host);
            ContainerFiles files = files(id);
            try {
                Files.createDirectories(files.dir());
                Files.createDirectories(files.persist());
                // the image stays while the container does, whatever happens to its names
                images.pins().pin(id, "container " + id.substring(0, 12), image.manifestDescriptor());
                AtomicFiles.replace(files.record(), Json.canonicalBytes(record));
                Container container = new Container(record, files, new StoredState(new ContainerState("created", false,
                        false, false, false, false, 0, 0, "", ContainerState.NEVER, ContainerState.NEVER, null),
                        0, 0, false, null, false));
                container.update(container.state());
                containers.put(id, container);
            } catch (IOException | RuntimeException e) {
                deleteQuietly(files.dir());
                containers.remove(id);
                unpinQuietly(id);
                throw e instanceof EngineException ee ? ee
                        : new EngineException("cannot create container: " + e.getMessage(), e);
            }
        }
        return id;
    }

    /** Starts a created or exited container; a running one is left alone (Docker's 304). Returns false then. */
    public boolean start(String idOrName) {
        Container c = get(idOrName);
        c.lock.lock();
        try {
            if (c.running()) {
                return false;
            }
            c.update(c.state().withManuallyStopped(false));
            lifecycle.start(c);
            c.lastStartNanos = System.nanoTime();
            return true;
        } finally {
            c.lock.unlock();
        }
    }

    /**
     * Stops a container: its stop signal, then SIGKILL after {@code timeoutSeconds} (the container's StopTimeout, or
     * 10, when null). Returns false when it was not running.
     */
    public boolean stop(String idOrName, Integer timeoutSeconds) {
        Container c = get(idOrName);
        cancelRestart(c);
        CompletableFuture<Integer> exit;
        c.lock.lock();
        try {
            c.update(c.state().withManuallyStopped(true));
            if (!c.running()) {
                if (c.status().restarting()) {
                    c.update(c.state().withState(StateChanges.exitedWithoutRestart(c.status())));
                }
                return false;
            }
            exit = c.nextExit();
            runtime.signal(c.id(), c.record.config().stopSignal(), false);
        } finally {
            c.lock.unlock();
        }
        int timeout = timeoutSeconds != null ? timeoutSeconds
                : c.record.config().stopTimeout() != null ? c.record.config().stopTimeout() : 10;
        try {
            if (timeout < 0) {
                exit.get();
            } else {
                exit.get(timeout, TimeUnit.SECONDS);
            }
        } catch (TimeoutException e) {
            runtime.signalQuietly(c.id(), "SIGKILL", true);
            awaitQuietly(exit, 30);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new EngineException("cannot stop " + c.id() + ": " + e.getCause().getMessage(), e.getCause());
        }
        return true;
    }

    public void restart(String idOrName, Integer timeoutSeconds) {
        stop(idOrName, timeoutSeconds);
        start(idOrName);
    }

    /** Sends a signal (a name like SIGHUP or HUP, or a number) to a running container's main process. */
    public void kill(String idOrName, String signal) {
        Container c = get(idOrName);
        c.lock.lock();
        try {
            if (!c.running()) {
                throw new EngineException(Kind.CONFLICT, "Cannot kill container: " + c.id() + ": container " + c.id()
                        + " is not running");
            }
            String sig = Signals.normalize(signal == null || signal.isEmpty() ? "SIGKILL" : signal);
            if (sig.equals("SIGKILL") || sig.equals("9")) {
                c.update(c.state().withManuallyStopped(true));
            }
            runtime.signal(c.id(), sig, false);
        } finally {
            c.lock.unlock();
        }
    }

    /** Removes a container; a running one only with {@code force} (then it is killed first). */
    public void remove(String idOrName, boolean force) {
        Container c = get(idOrName);
        cancelRestart(c);
        if (c.running()) {
            if (!force) {
                throw new EngineException(Kind.CONFLICT, "You cannot remove a running container " + c.id()
                        + ". Stop the container before attempting removal or force remove");
            }
            CompletableFuture<Integer> exit;
            c.lock.lock();
            try {
                c.update(c.state().withManuallyStopped(true));
                exit = c.nextExit();
                if (c.running()) {
                    runtime.signalQuietly(c.id(), "SIGKILL", true);
                } else {
                    exit.complete(c.status().exitCode());
                }
            } finally {
                c.lock.unlock();
            }
            awaitQuietly(exit, 30);
        }
        c.lock.lock();
        try {
            if (!containers.containsKey(c.id())) {
                return; // removed meanwhile (auto-remove)
            }
            lifecycle.releaseAll(c); // anything still held after a crash
            containers.remove(c.id());
            deleteQuietly(c.files.dir());
            unpinQuietly(c.id());
            c.removed();
        } finally {
            c.lock.unlock();
        }
    }

    /** Removes every stopped container; returns their IDs. */
    public List<String> prune() {
        List<String> removed = new ArrayList<>();
        for (Container c : List.copyOf(containers.values())) {
            if (!c.running() && !c.status().restarting()) {
                try {
                    remove(c.id(), false);
                    removed.add(c.id());
                } catch (EngineException e) {
                    LOG.log(System.Logger.Level.DEBUG, "prune skipped " + c.id() + ": " + e.getMessage());
                }
            }
        }
        return removed;
    }

    /**
     * Waits for a container, as Docker's conditions: "next-exit" for its next exit, "removed" until it is removed
     * (what `run --rm` waits for, so that it returns only once nothing is left), otherwise ("not-running") returns at
     * once when it is not running. Returns the exit code.
     */
    public CompletableFuture<Integer> waitFor(String idOrName, String condition) {
        Container c = get(idOrName);
        if ("removed".equals(condition)) {
            return c.removal;
        }
        c.lock.lock();
        try {
            if (!"next-exit".equals(condition) && !c.running() && !c.status().restarting()) {
                return CompletableFuture.completedFuture(c.status().exitCode());
            }
            return c.nextExit();
        } finally {
            c.lock.unlock();
        }
    }

    // ---- reading

    public ContainerInspect inspect(String idOrName) {
        return Views.inspect(get(idOrName));
    }

    public List<ContainerSummary> list(boolean all, Map<String, List<String>> filters) {
        Filters.check(filters);
        List<Container> selected = new ArrayList<>();
        for (Container c : containers.values()) {
            if ((all || c.running() || c.status().restarting()) && Filters.matches(c, filters)) {
                selected.add(c);
            }
        }
        selected.sort(Comparator.comparing((Container c) -> c.record.created()).reversed());
        return selected.stream().map(Views::summary).toList();
    }

    /** The container an ID, a unique ID prefix or a name stands for. */
    Container get(String idOrName) {
        if (idOrName == null || idOrName.isEmpty()) {
            throw new EngineException(Kind.INVALID, "no container given");
        }
        Container exact = containers.get(idOrName);
        if (exact != null) {
            return exact;
        }
        String name = idOrName.startsWith("/") ? idOrName.substring(1) : idOrName;
        Optional<Container> named = byName(name);
        if (named.isPresent()) {
            return named.get();
        }
        List<Container> prefixed = containers.values().stream().filter(c -> c.id().startsWith(idOrName)).toList();
        if (prefixed.size() == 1) {
            return prefixed.getFirst();
        }
        if (prefixed.size() > 1) {
            throw new EngineException(Kind.INVALID, "multiple containers match the ID prefix '" + idOrName + "'");
        }
        throw new EngineException(Kind.NOT_FOUND, "No such container: " + idOrName);
    }

    /** The ID of the container a reference names (for the API's logs, exec, stats). */
    public String resolveId(String idOrName) {
        return get(idOrName).id();
    }

    /** Running, or about to run again (restarting): what logs -f keeps following. */
    boolean isLive(Container c) {
        return containers.containsKey(c.id()) && (c.running() || c.status().restarting());
    }

    List<Container> all() {
        return List.copyOf(containers.values());
    }

    Image imageOf(Container c) {
        Digest manifestDigest = Digest.parse(c.record.manifestDigest());
        var manifest = images.readManifest(manifestDigest);
        var config = Json.read(images.content().read(manifest.config().digest()), dev.berth.oci.image.ImageConfig.class,
                "image config " + manifest.config().digest());
        var descriptor = dev.berth.oci.image.Descriptor.of(dev.berth.oci.image.MediaTypes.OCI_MANIFEST, manifestDigest,
                images.content().size(manifestDigest));
        return new Image(descriptor, descriptor, manifest, config, List.of());
    }

    private Optional<Container> byName(String name) {
        return containers.values().stream().filter(c -> c.record.name().equals(name)).findFirst();
    }

    private boolean nameTaken(String name) {
        return byName(name).isPresent();
    }

    ContainerFiles files(String id) {
        return new ContainerFiles(paths.container(id), paths.exits(), paths.monitorSockets());
    }

    // ---- exits, restarts

    /** An exit file, named by the container's ID. */
    private void onExitFile(String name) {
        Container c = containers.get(name);
        if (c == null) {
            LOG.log(System.Logger.Level.INFO, "exit file " + name + " belongs to no container: removed");
            AtomicFiles.deleteQuietly(paths.exits().resolve(name)); // a container removed while no engine watched
            return;
        }
        lifecycle.exited(c);
    }

    /** Called by the lifecycle after an exit has been recorded: restart, remove or leave it. */
    void afterExit(Container c, int exitCode) {
        if (closed) {
            return;
        }
        HostConfig host = c.record.hostConfig();
        if (RestartRules.shouldRestart(host.restartPolicy(), c.state(), exitCode)) {
            long delayMillis = RestartRules.backoffMillis(c.state().restartCount(), c.lastStartNanos);
            c.restartTimer = Thread.ofVirtual().name("restart-" + c.id().substring(0, 12)).start(() -> {
                try {
                    Thread.sleep(delayMillis);
                    c.lock.lock();
                    try {
                        if (!containers.containsKey(c.id()) || c.running() || c.state().manuallyStopped()) {
                            return;
                        }
                        c.update(c.state().withRestartCount(c.state().restartCount() + 1));
                        lifecycle.start(c);
                    } finally {
                        c.lock.unlock();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "restarting " + c.id() + " failed: " + e.getMessage());
                    c.lock.lock();
                    try {
                        c.update(c.state().withState(StateChanges.failedToStart(c.status(), e.getMessage(), 128)));
                    } finally {
                        c.lock.unlock();
                    }
                } finally {
                    c.restartTimer = null;
                }
            });
            c.lock.lock();
            try {
                c.update(c.state().withState(StateChanges.restarting(c.status())));
            } finally {
                c.lock.unlock();
            }
        } else if (host.autoRemove()) {
            // an attached `berth run` is still reading the last of the output: removing now would take the log away
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (c.attached.get() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            try {
                remove(c.id(), true);
            } catch (EngineException e) {
                LOG.log(System.Logger.Level.WARNING, "auto-removing " + c.id() + " failed: " + e.getMessage());
            }
        }
    }

    private void cancelRestart(Container c) {
        Thread timer = c.restartTimer;
        if (timer != null) {
            timer.interrupt();
        }
    }

    // ---- recovery

    private void recover() {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(paths.containers())) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                ContainerFiles files = files(id);
                if (!Files.exists(files.record())) {
                    deleteQuietly(dir); // a create cut off before its record was written
                    continue;
                }
                try {
                    ContainerRecord record = Json.read(Files.readAllBytes(files.record()), ContainerRecord.class, "container " + id);
                    StoredState state = Files.exists(files.state())
                            ? Json.read(Files.readAllBytes(files.state()), StoredState.class, "state of container " + id)
                            : new StoredState(new ContainerState("created", false, false, false, false, false, 0, 0, "",
                                    ContainerState.NEVER, ContainerState.NEVER, null), 0, 0, false, null, false);
                    containers.put(id, new Container(record, files, state));
                } catch (IOException | OciException e) {
                    LOG.log(System.Logger.Level.WARNING, "skipping unreadable container " + id + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new EngineException("cannot read " + paths.containers() + ": " + e.getMessage(), e);
        }
        lifecycle.recover(List.copyOf(containers.values()));
        for (var pin : images.pins().list()) {
            if (pin.holder().matches("[0-9a-f]{64}") && !containers.containsKey(pin.holder())) {
                unpinQuietly(pin.holder()); // its container was removed while the engine was away
            }
        }
        // containers that should run and are not: restart policies "always" (and "unless-stopped" unless stopped by hand)
        for (Container c : containers.values()) {
            if (!c.running() && RestartRules.restartOnDaemonStart(c.record.hostConfig().restartPolicy(), c.state())) {
                try {
                    c.lock.lock();
                    try {
                        lifecycle.start(c);
                    } finally {
                        c.lock.unlock();
                    }
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "restarting " + c.id() + " failed: " + e.getMessage());
                }
            }
        }
    }

    /** Removes this root's bridge (its device, firewall chains and state) when no container is attached to it. */
    public void removeBridgeIfUnused() {
        var bridge = runtime.bridgeIfUsed();
        if (bridge != null && bridge.attachments().isEmpty()) {
            bridge.remove();
        }
    }

    @Override
    public void close() {
        closed = true;
        exitWatcher.close();
        for (Container c : containers.values()) {
            cancelRestart(c);
            Thread health = c.healthChecker;
            if (health != null) {
                health.interrupt();
            }
        }
    }

    private void unpinQuietly(String id) {
        try {
            images.pins().unpin(id);
        } catch (OciException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
        }
    }

    static String newId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static void deleteQuietly(Path dir) {
        try {
            SnapshotStore.deleteTree(dir);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete " + dir + ": " + e.getMessage());
        }
    }

    private static void awaitQuietly(CompletableFuture<Integer> f, int seconds) {
        try {
            f.get(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "container did not exit in time: " + e);
        }
    }
}
