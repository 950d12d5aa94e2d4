package dev.berth.kube.cluster;

import dev.berth.kube.KubeException;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Follows a Deployment's rollout by reading its status until it is done, fails, or the time is up, reporting each
 * change of state. Polling rather than a watch: one GET a second costs the API server nothing, and survives the
 * proxies and idle timeouts that cut long-lived watch connections.
 */
final class RolloutFollower {
    private final KubernetesClient client;
    private final String namespace;
    private final Duration pollInterval;

    RolloutFollower(KubernetesClient client, String namespace, Duration pollInterval) {
        this.client = client;
        this.namespace = namespace;
        this.pollInterval = pollInterval;
    }

    RolloutStatus follow(String name, long generation, Duration timeout, Consumer<String> progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (true) {
            Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
            if (d == null) {
                throw new KubeException("deployment " + name + " in namespace " + namespace + " was deleted during its rollout");
            }
            RolloutStatus status = RolloutStatus.of(d, generation);
            if (!status.message().equals(last)) {
                progress.accept(status.message());
                last = status.message();
            }
            if (status.done()) {
                return status;
            }
            if (status.failed()) {
                throw new KubeException("the rollout of deployment " + name + " in namespace " + namespace + " failed: "
                        + status.message() + ". `kubectl describe deployment " + name + "` shows why; `berth kube rollback "
                        + name + "` returns to the previous version");
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new KubeException("the rollout of deployment " + name + " in namespace " + namespace
                        + " did not finish within " + human(timeout) + ": " + status.message() + ". It goes on in the cluster;"
                        + " `kubectl describe deployment " + name + "` shows why it is slow, `berth kube rollback " + name
                        + "` returns to the previous version");
            }
            try {
                Thread.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KubeException("interrupted while following the rollout of " + name);
            }
        }
    }

    static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
