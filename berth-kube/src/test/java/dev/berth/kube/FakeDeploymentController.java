package dev.berth.kube;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the Deployment controller the mock API server lacks: when a Deployment's generation moves past the
 * status's observed generation, it writes the status a rolling update goes through (one surge pod, then all updated
 * with an old one terminating, then done), through the status subresource as the real controller does.
 */
final class FakeDeploymentController implements AutoCloseable {
    private final KubernetesClient client;
    private final String namespace;
    private final Duration step;
    private final Thread thread;
    private final List<String> rolled = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    FakeDeploymentController(KubernetesClient client, String namespace, Duration step) {
        this.client = client;
        this.namespace = namespace;
        this.step = step;
        this.thread = Thread.ofVirtual().name("fake-deployment-controller").start(this::loop);
    }

    /** The names and generations rolled out, as "name@generation". */
    List<String> rolled() {
        return rolled;
    }

    private void loop() {
        while (running) {
            try {
                for (Deployment d : client.apps().deployments().inNamespace(namespace).list().getItems()) {
                    long generation = d.getMetadata().getGeneration();
                    Long observed = d.getStatus() == null ? null : d.getStatus().getObservedGeneration();
                    if (observed == null || observed < generation) {
                        roll(d.getMetadata().getName(), generation, d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas());
                    }
                }
                Thread.sleep(step);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    e.printStackTrace();
                }
            }
        }
    }

    private void roll(String name, long generation, int replicas) throws InterruptedException {
        int[][] states = {
                // replicas, updated, available
                {replicas + 1, 1, replicas},
                {replicas + 1, replicas, replicas},
                {replicas, replicas, replicas},
        };
        for (int[] s : states) {
            Thread.sleep(step);
            Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
            if (d == null || d.getMetadata().getGeneration() != generation) {
                return;
            }
            d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(generation).withReplicas(s[0])
                    .withUpdatedReplicas(s[1]).withAvailableReplicas(s[2]).withReadyReplicas(s[2]).build());
            client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
        }
        rolled.add(name + "@" + generation);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5000);
    }
}
