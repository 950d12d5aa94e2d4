package dev.berth.daemon.deploy;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.EngineException.Kind;
import dev.berth.daemon.api.ContainerInspect;
import dev.berth.daemon.api.CreateRequest;
import dev.berth.daemon.api.HostConfig;
import dev.berth.daemon.engine.ContainerIo;
import dev.berth.daemon.engine.Engine;
import dev.berth.oci.store.ImageStore;
import dev.berth.runtime.logs.LogQuery;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Starts and removes the replica containers of deployments through the engine. Replicas are ordinary containers on
 * the bridge network, without published ports (the deployment's proxy reaches them at their bridge address), with
 * rotated logs and two labels that say whose they are: {@value #DEPLOYMENT_LABEL} and {@value #REVISION_LABEL}.
 */
final class ReplicaLauncher {
    static final String DEPLOYMENT_LABEL = "dev.berth.deployment";
    static final String REVISION_LABEL = "dev.berth.deployment.revision";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HostConfig.LogConfig LOGS = new HostConfig.LogConfig("k8s-file", Map.of("max-size", "10m", "max-file", "3"));

    private final Engine engine;
    private final ContainerIo io;
    private final ImageStore images;

    ReplicaLauncher(Engine engine, ImageStore images) {
        this.engine = engine;
        this.io = new ContainerIo(engine);
        this.images = images;
    }

    /** Creates and starts a replica of {@code revision}; returns it with its bridge address (not yet in any pool). */
    Replica start(String deployment, Deployment.Revision revision) {
        String image = imageOf(revision);
        String name = deployment + "-r" + revision.number() + "-" + HexFormat.of().formatHex(randomBytes(3));
        HostConfig host = new HostConfig(null, null, false, revision.memory(), revision.nanoCpus(), null, "bridge", null,
                HostConfig.RestartPolicy.NO, false, LOGS, null);
        CreateRequest request = new CreateRequest(image, null, null, null, null, null, null,
                Map.of(DEPLOYMENT_LABEL, deployment, REVISION_LABEL, Integer.toString(revision.number())), null, null,
                null, null, host);
        String id = engine.create(request, name);
        try {
            engine.start(id);
            return new Replica(id, name, revision.number(), ipOf(engine.inspect(id), name), revision.containerPort());
        } catch (RuntimeException e) {
            removeQuietly(id);
            throw e instanceof EngineException ee ? new EngineException(ee.kind(), "cannot start replica " + name + " of "
                    + revision.image() + ": " + ee.getMessage(), ee) : e;
        }
    }

    /**
     * The image to run for a revision: its reference while that still names the same image, else the image by its ID
     * (a tag moved since), else an error saying the revision's image is gone.
     */
    private String imageOf(Deployment.Revision revision) {
        var named = images.find(revision.image());
        if (named.isPresent() && named.get().id().toString().equals(revision.imageId())) {
            return revision.image();
        }
        if (images.find(revision.imageId()).isPresent()) {
            return revision.imageId();
        }
        throw new EngineException(Kind.NOT_FOUND, "the image of revision " + revision.number() + " (" + revision.image()
                + ", " + revision.imageId() + ") is no longer in the store");
    }

    private static String ipOf(ContainerInspect inspect, String name) {
        String ip = inspect.networkSettings() == null ? null : inspect.networkSettings().ipAddress();
        if (ip == null || ip.isEmpty()) {
            throw new EngineException("replica " + name + " started without an address on the bridge network");
        }
        return ip;
    }

    boolean running(String id) {
        try {
            return engine.inspect(id).state().running();
        } catch (EngineException e) {
            return false;
        }
    }

    /** Stops a replica (its stop signal, then SIGKILL after its stop timeout) and removes it. */
    void stopAndRemove(String id) {
        try {
            engine.stop(id, null);
        } catch (EngineException e) {
            if (e.kind() == Kind.NOT_FOUND) {
                return;
            }
        }
        removeQuietly(id);
    }

    void removeQuietly(String id) {
        try {
            engine.remove(id, true);
        } catch (EngineException e) {
            if (e.kind() != Kind.NOT_FOUND) {
                System.getLogger(ReplicaLauncher.class.getName()).log(System.Logger.Level.WARNING,
                        "cannot remove replica " + id + ": " + e.getMessage());
            }
        }
    }

    /** The container's exit code, for messages; -1 when unknown. */
    int exitCode(String id) {
        try {
            return engine.inspect(id).state().exitCode();
        } catch (EngineException e) {
            return -1;
        }
    }

    /** The last lines a replica wrote, for the message of a replica that never became ready. */
    String lastLogLines(String id, int lines) {
        StringBuilder out = new StringBuilder();
        try {
            io.logs(id, new LogQuery(lines, null, null), false, line -> out.append(new String(line.content(), StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            return "";
        }
        return out.toString().strip();
    }

    /** Every replica container of a deployment, running or not. */
    List<dev.berth.daemon.api.ContainerSummary> containersOf(String deployment) {
        return engine.list(true, Map.of("label", List.of(DEPLOYMENT_LABEL + "=" + deployment)));
    }

    /** Completes when the container next exits (or is removed). */
    java.util.concurrent.CompletableFuture<Integer> nextExit(String id) {
        return engine.waitFor(id, "next-exit");
    }

    ContainerInspect inspect(String id) {
        return engine.inspect(id);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
