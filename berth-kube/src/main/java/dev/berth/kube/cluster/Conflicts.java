package dev.berth.kube.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Supplier;

/**
 * Retries a read-modify-write that lost a race. fabric8's {@code edit} sends the resourceVersion it read, and the
 * Deployment controller rewrites a Deployment's status (and so its resourceVersion) all through a rollout, so a conflict
 * is the normal case of editing a live Deployment, not an error: read again and re-apply the same change.
 */
final class Conflicts {
    private static final int ATTEMPTS = 5;

    private Conflicts() {
    }

    static <T> T retry(Supplier<T> edit) {
        for (int attempt = 1; ; attempt++) {
            try {
                return edit.get();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == ATTEMPTS) {
                    throw e;
                }
                try {
                    Thread.sleep(20L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
