package dev.berth.daemon.deploy;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.EngineException.Kind;
import dev.berth.daemon.api.ContainerInspect;
import dev.berth.daemon.api.ContainerSummary;
import dev.berth.daemon.engine.Engine;
import dev.berth.oci.store.ImageStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The deployments of one Berth root: {@code berth deploy}, {@code rollback}, {@code deployments} and removal. Each
 * deployment is stored in {@code ROOT/deployments/NAME.json}; {@link #open} finds them again when the daemon starts,
 * adopts the replica containers that still run, listens on their ports again, and keeps each deployment converged to
 * its current revision from then on (a replica that dies is replaced by a new one, not restarted).
 */
public final class Deployments implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Deployments.class.getName());
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    static final String DEFAULT_READINESS_PATH = "/v2/health/ready";
    static final String DEFAULT_ADDRESS = "127.0.0.1";
    static final int DEFAULT_READINESS_TIMEOUT_SECONDS = 60;
    static final int MAX_REPLICAS = 64;

    private final ImageStore images;
    private final DeploymentStore store;
    private final ReplicaLauncher launcher;
    private final ReadinessProbe probe = new ReadinessProbe();
    private final Map<String, LiveDeployment> live = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private Deployments(Engine engine, Path root) {
        this.images = ImageStore.open(root);
        this.store = new DeploymentStore(root);
        this.launcher = new ReplicaLauncher(engine, images);
    }

    /** Loads every stored deployment, adopts its running replicas and starts serving its port again. */
    public static Deployments open(Engine engine, Path root) {
        Deployments deployments = new Deployments(engine, root);
        for (Deployment d : deployments.store.loadAll()) {
            try {
                deployments.recover(d);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "recovering deployment " + d.name() + ": " + e.getMessage());
            }
        }
        return deployments;
    }

    // ---- deploy

    /**
     * Deploys an image: a new deployment, a new revision of an existing one (rolled out replica by replica), or, when
     * the image and limits are those already running, a change of the replica count only. Bad requests fail before
     * anything changes; a rollout whose new replicas do not become ready is undone, and the error says why.
     */
    public DeploymentStatus deploy(DeployRequest request, Progress progress) throws InterruptedException {
        if (request.image() == null || request.image().isBlank()) {
            throw new EngineException(Kind.INVALID, "no image given: deploy NAME:VERSION");
        }
        ImageFacts facts = ImageFacts.of(images, request.image());
        String name = request.name() != null && !request.name().isBlank() ? request.name() : facts.defaultDeploymentName();
        checkName(name, request.name() == null);
        checkRequest(request);
        long memory = request.memory() != null ? request.memory() : facts.memory();
        long nanoCpus = request.nanoCpus() != null ? request.nanoCpus() : facts.nanoCpus();
        String now = now();

        LiveDeployment target;
        boolean created = false;
        synchronized (live) {
            checkOpen();
            target = live.get(name);
            if (target == null) {
                if (request.port() == null) {
                    throw new EngineException(Kind.INVALID, "deployment " + name + " is new: give the port it listens on (--port)");
                }
                String address = request.publishAddress() == null || request.publishAddress().isBlank() ? DEFAULT_ADDRESS
                        : request.publishAddress();
                for (LiveDeployment other : live.values()) {
                    if (other.record.port() == request.port()) {
                        throw new EngineException(Kind.CONFLICT, "port " + request.port() + " is used by deployment " + other.name);
                    }
                }
                Deployment.Revision first = new Deployment.Revision(1, request.image(), facts.imageId(), facts.version(),
                        facts.port(), memory, nanoCpus, now, Deployment.ROLLING_OUT, null, null, null, null);
                Deployment record = new Deployment(name, address, request.port(),
                        request.replicas() == null ? 1 : request.replicas(),
                        request.readinessPath() == null ? DEFAULT_READINESS_PATH : request.readinessPath(),
                        request.readinessTimeoutSeconds() == null ? DEFAULT_READINESS_TIMEOUT_SECONDS : request.readinessTimeoutSeconds(),
                        now, now, 1, List.of(first));
                target = new LiveDeployment(record, launcher, probe);
                target.proxy = DeploymentProxy.start(name, address, request.port(), target.pool);
                try {
                    store.save(record);
                } catch (RuntimeException e) {
                    target.close();
                    throw e;
                }
                target.lock.lock();
                live.put(name, target);
                created = true;
            }
        }
        if (!created) {
            lockForChange(target);
        }
        try {
            if (created) {
                progress.step("deployment " + name + " listens on " + target.record.address() + ":" + target.record.port());
                rollout(target, target.record.currentRevision(), null, progress);
                target.startReconciler();
                return target.status(false);
            }
            Deployment d = target.record;
            if (request.port() != null && request.port() != d.port()) {
                throw new EngineException(Kind.INVALID, "deployment " + name + " listens on port " + d.port()
                        + "; remove it first to move it to port " + request.port());
            }
            if (request.publishAddress() != null && !request.publishAddress().isBlank() && !request.publishAddress().equals(d.address())) {
                throw new EngineException(Kind.INVALID, "deployment " + name + " listens on " + d.address()
                        + "; remove it first to move it to " + request.publishAddress());
            }
            d = d.withReplicas(request.replicas() == null ? d.replicas() : request.replicas(), now)
                    .withReadiness(request.readinessPath() == null ? d.readinessPath() : request.readinessPath(),
                            request.readinessTimeoutSeconds() == null ? d.readinessTimeoutSeconds() : request.readinessTimeoutSeconds());
            Deployment.Revision current = d.currentRevision();
            boolean sameImage = current.imageId().equals(facts.imageId());
            if (sameImage) {
                // the same image again: limits not given stay as they are (a scale must not drop a limit set by hand)
                memory = request.memory() != null ? request.memory() : current.memory();
                nanoCpus = request.nanoCpus() != null ? request.nanoCpus() : current.nanoCpus();
            }
            if (sameImage && current.memory() == memory && current.nanoCpus() == nanoCpus && current.containerPort() == facts.port()) {
                target.record = d;
                store.save(d);
                progress.step("revision " + current.number() + " (" + current.image() + ") already runs; "
                        + d.replicas() + (d.replicas() == 1 ? " replica" : " replicas") + " wanted");
                target.updating = true;
                try {
                    target.converge(current, progress);
                } finally {
                    target.updating = false;
                }
                return target.status(false);
            }
            target.record = d;
            Deployment.Revision next = new Deployment.Revision(d.nextRevisionNumber(), request.image(), facts.imageId(),
                    facts.version(), facts.port(), memory, nanoCpus, now, Deployment.ROLLING_OUT, null, null, null, null);
            rollout(target, next, current, progress);
            return target.status(false);
        } finally {
            target.lock.unlock();
        }
    }

    /** {@code berth rollback NAME}: a new revision running what ran before the current one, rolled out the same way. */
    public DeploymentStatus rollback(String name, Progress progress) throws InterruptedException {
        LiveDeployment target = find(name);
        lockForChange(target);
        try {
            Deployment d = target.record;
            Deployment.Revision current = d.currentRevision();
            Deployment.Revision previous = d.revisions().stream()
                    .filter(r -> r.number() != current.number() && r.status().equals(Deployment.REPLACED))
                    .max(Comparator.comparingInt(Deployment.Revision::number))
                    .orElseThrow(() -> new EngineException(Kind.CONFLICT, "deployment " + name
                            + " has no earlier revision that served to roll back to"));
            Deployment.Revision next = new Deployment.Revision(d.nextRevisionNumber(), previous.image(), previous.imageId(),
                    previous.version(), previous.containerPort(), previous.memory(), previous.nanoCpus(), now(),
                    Deployment.ROLLING_OUT, previous.number(), null, null, null);
            progress.step("rolling deployment " + name + " back to revision " + previous.number() + " (" + previous.image() + ")");
            rollout(target, next, current, progress);
            return target.status(false);
        } finally {
            target.lock.unlock();
        }
    }

    /**
     * Rolls {@code next} out in place of {@code previous} (null for a new deployment). On failure the new replicas go,
     * {@code previous} is brought back to its full count, and the error names both; a new deployment that never became
     * ready is removed whole. The caller holds the deployment's lock.
     */
    private void rollout(LiveDeployment target, Deployment.Revision next, Deployment.Revision previous, Progress progress)
            throws InterruptedException {
        String name = target.name;
        target.record = target.record.withRevision(next, next.number(), now());
        store.save(target.record);
        target.updating = true;
        try {
            target.converge(next, progress);
        } catch (EngineException | InterruptedException e) {
            if (closed) {
                throw e; // the daemon stops: the next one finds the rollout interrupted and undoes it
            }
            String reason = e.getMessage();
            if (previous == null) {
                progress.step("removing deployment " + name + ": its first revision did not become ready");
                removeLive(target, progress);
                throw new EngineException(Kind.FAILED, "deployment " + name + " was not created: " + reason, e);
            }
            String when = now();
            target.record = target.record.withRevision(next.withStatus(Deployment.FAILED, when, null, reason), previous.number(), when);
            store.save(target.record);
            progress.step("revision " + next.number() + " failed; restoring revision " + previous.number() + " (" + previous.image() + ")");
            try {
                target.converge(previous, progress);
            } catch (EngineException restore) {
                throw new EngineException(Kind.FAILED, "the rollout of " + next.image() + " to deployment " + name
                        + " failed: " + reason + "\nand restoring revision " + previous.number() + " failed too: "
                        + restore.getMessage(), e);
            }
            throw new EngineException(Kind.FAILED, "the rollout of " + next.image() + " to deployment " + name + " failed: "
                    + reason + "\nrevision " + previous.number() + " (" + previous.image() + ") still serves", e);
        } finally {
            target.updating = false;
        }
        String when = now();
        Deployment d = target.record.withRevision(next.withStatus(Deployment.SERVING, null, null, null), next.number(), when);
        if (previous != null) {
            d = d.withRevision(d.revision(previous.number()).withStatus(Deployment.REPLACED, when, next.number(), null), next.number(), when);
        }
        target.record = d;
        store.save(d);
        progress.step("deployment " + name + " serves revision " + next.number() + " (" + next.image() + ") with "
                + d.replicas() + (d.replicas() == 1 ? " replica" : " replicas") + " on " + d.address() + ":" + d.port());
    }

    // ---- reading

    public List<DeploymentStatus> list() {
        return live.values().stream().sorted(Comparator.comparing(l -> l.name)).map(l -> l.status(false)).toList();
    }

    /** One deployment with its history, newest revision first. */
    public DeploymentStatus get(String name) {
        return find(name).status(true);
    }

    private LiveDeployment find(String name) {
        LiveDeployment d = name == null ? null : live.get(name);
        if (d == null) {
            throw new EngineException(Kind.NOT_FOUND, "No such deployment: " + name);
        }
        return d;
    }

    // ---- removal

    /** Stops listening, stops and removes every replica, forgets the deployment. */
    public void remove(String name, Progress progress) throws InterruptedException {
        LiveDeployment target = find(name);
        lockForChange(target);
        try {
            removeLive(target, progress);
        } finally {
            target.lock.unlock();
        }
    }

    private void removeLive(LiveDeployment target, Progress progress) {
        target.close(); // the port is free from here
        for (Replica r : target.replicas) {
            target.pool.remove(r);
        }
        target.replicas.clear();
        for (ContainerSummary c : launcher.containersOf(target.name)) {
            progress.step("removing replica " + (c.names().isEmpty() ? c.id() : c.names().getFirst().substring(1)));
            launcher.stopAndRemove(c.id());
        }
        store.delete(target.name);
        live.remove(target.name, target);
    }

    // ---- recovery

    private void recover(Deployment stored) {
        Deployment d = stored;
        Deployment.Revision current = d.currentRevision();
        if (current.status().equals(Deployment.ROLLING_OUT)) {
            Optional<Deployment.Revision> serving = d.revisions().stream()
                    .filter(r -> r.number() != current.number() && r.status().equals(Deployment.SERVING)).findFirst();
            if (serving.isPresent()) {
                String when = now();
                d = d.withRevision(current.withStatus(Deployment.FAILED, when, null,
                        "interrupted: the daemon stopped during the rollout"), serving.get().number(), when);
                store.save(d);
            }
        }
        LiveDeployment target = new LiveDeployment(d, launcher, probe);
        for (ContainerSummary c : launcher.containersOf(d.name())) {
            adopt(target, c);
        }
        try {
            target.ensureProxy();
        } catch (EngineException e) {
            target.message = e.getMessage(); // the reconciler tries again
        }
        live.put(d.name(), target);
        target.startReconciler();
    }

    /** Takes a replica found running back into the pool when it answers its readiness check; else removes it. */
    private void adopt(LiveDeployment target, ContainerSummary c) {
        String revisionLabel = c.labels() == null ? null : c.labels().get(ReplicaLauncher.REVISION_LABEL);
        Deployment.Revision revision = target.record.revisions().stream()
                .filter(r -> Integer.toString(r.number()).equals(revisionLabel)).findFirst().orElse(null);
        String containerName = c.names().isEmpty() ? c.id() : c.names().getFirst().substring(1);
        if (revision == null || !"running".equals(c.state())) {
            launcher.stopAndRemove(c.id());
            return;
        }
        ContainerInspect inspect = launcher.inspect(c.id());
        String ip = inspect.networkSettings() == null ? "" : inspect.networkSettings().ipAddress();
        try {
            if (ip.isEmpty() || probe.attempt(URI.create("http://" + ip + ":" + revision.containerPort()
                    + target.record.readinessPath())) != null) {
                launcher.stopAndRemove(c.id());
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Replica r = new Replica(c.id(), containerName, revision.number(), ip, revision.containerPort());
        target.pool.add(r);
        target.replicas.add(r);
        target.watchExit(r);
    }

    // ---- checks

    /**
     * Takes the deployment's lock for a change. A rollout in progress is a conflict at once; the reconciler (replacing
     * a dead replica) is waited for, since it ends by itself.
     */
    private void lockForChange(LiveDeployment target) throws InterruptedException {
        if (target.updating || !target.lock.tryLock(2, java.util.concurrent.TimeUnit.MINUTES)) {
            throw new EngineException(Kind.CONFLICT, "deployment " + target.name + " is being updated; try again when that ends");
        }
        if (live.get(target.name) != target) {
            target.lock.unlock();
            throw new EngineException(Kind.NOT_FOUND, "No such deployment: " + target.name + " (it was removed meanwhile)");
        }
    }

    private static void checkName(String name, boolean derived) {
        if (!NAME.matcher(name).matches()) {
            throw new EngineException(Kind.INVALID, "invalid deployment name '" + name + "': use letters, digits, '_', '.' and '-',"
                    + " starting with a letter or digit, at most 63 characters" + (derived ? " (give one with --name)" : ""));
        }
    }

    private static void checkRequest(DeployRequest r) {
        if (r.port() != null && (r.port() < 1 || r.port() > 65535)) {
            throw new EngineException(Kind.INVALID, "invalid port " + r.port() + ": it must be between 1 and 65535");
        }
        if (r.replicas() != null && (r.replicas() < 1 || r.replicas() > MAX_REPLICAS)) {
            throw new EngineException(Kind.INVALID, "invalid replica count " + r.replicas() + ": it must be between 1 and " + MAX_REPLICAS);
        }
        if (r.readinessPath() != null && (!r.readinessPath().startsWith("/") || r.readinessPath().chars().anyMatch(ch -> ch <= ' '))) {
            throw new EngineException(Kind.INVALID, "invalid readiness path '" + r.readinessPath() + "': it must start with / and hold no spaces");
        }
        if (r.readinessTimeoutSeconds() != null && (r.readinessTimeoutSeconds() < 1 || r.readinessTimeoutSeconds() > 3600)) {
            throw new EngineException(Kind.INVALID, "invalid readiness timeout " + r.readinessTimeoutSeconds() + " s: it must be between 1 and 3600");
        }
        if (r.memory() != null && r.memory() < 0) {
            throw new EngineException(Kind.INVALID, "invalid memory limit " + r.memory() + ": it must not be negative");
        }
        if (r.nanoCpus() != null && r.nanoCpus() < 0) {
            throw new EngineException(Kind.INVALID, "invalid CPU limit: it must not be negative");
        }
        if (r.publishAddress() != null && !r.publishAddress().isBlank()) {
            try {
                java.net.InetAddress.ofLiteral(r.publishAddress());
            } catch (IllegalArgumentException e) {
                throw new EngineException(Kind.INVALID, "invalid publish address '" + r.publishAddress() + "': give an IP address such as 127.0.0.1");
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new EngineException(Kind.FAILED, "the Berth daemon is shutting down");
        }
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** Stops every proxy and reconciler; the replicas keep running for the next daemon to adopt. */
    @Override
    public void close() {
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        for (LiveDeployment d : live.values()) {
            try {
                d.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "closing deployments: " + failures.getFirst().getMessage());
        }
    }
}
