package dev.berth.kube.cluster;

import dev.berth.kube.KubeException;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A client for the cluster a kubeconfig names, found the way kubectl finds it, with the namespace to work in. Nothing
 * is sent until the first request; what goes wrong then becomes a {@link KubeException} through {@link ClusterErrors}.
 */
public final class ClusterConnection implements AutoCloseable {
    private static final String SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    /** fabric8 retries a failed request ten times by default; a user waiting on an unreachable cluster needs one answer. */
    private static final int RETRIES = 2;
    private static final int RETRY_INTERVAL_MILLIS = 200;

    private final KubernetesClient client;
    private final String namespace;
    private final String description;

    private ClusterConnection(KubernetesClient client, String namespace, String description) {
        this.client = client;
        this.namespace = namespace;
        this.description = description;
    }

    public static ClusterConnection open(ClusterTarget target) {
        Config config = config(target);
        if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
            throw new KubeException("the kubeconfig's context " + contextName(config) + " names no cluster server");
        }
        config.setRequestRetryBackoffLimit(RETRIES);
        config.setRequestRetryBackoffInterval(RETRY_INTERVAL_MILLIS);
        String namespace = target.namespace() != null ? target.namespace()
                : config.getNamespace() != null ? config.getNamespace() : "default";
        String description = config.getMasterUrl().replaceAll("/+$", "")
                + (config.getCurrentContext() != null ? " (context " + config.getCurrentContext().getName() + ")" : "");
        return new ClusterConnection(new KubernetesClientBuilder().withConfig(config).build(), namespace, description);
    }

    private static Config config(ClusterTarget target) {
        Config config;
        try {
            if (target.kubeconfig() != null) {
                Path file = target.kubeconfig();
                if (!Files.isRegularFile(file)) {
                    throw new KubeException("kubeconfig " + file + " does not exist");
                }
                config = Config.fromKubeconfig(target.context(), file.toFile());
            } else {
                List<String> looked = List.copyOf(Config.getKubeconfigFilenames());
                boolean anyFile = looked.stream().anyMatch(f -> Files.isRegularFile(Path.of(f)));
                boolean inCluster = System.getenv("KUBERNETES_SERVICE_HOST") != null && Files.exists(Path.of(SERVICE_ACCOUNT_TOKEN));
                if (!anyFile && !inCluster) {
                    throw new KubeException("no kubeconfig found (looked for " + (looked.isEmpty() ? "~/.kube/config" : String.join(", ", looked))
                            + "): point KUBECONFIG at your cluster's kubeconfig (kind, minikube and the cloud CLIs write one)"
                            + " or give --kubeconfig FILE");
                }
                config = Config.autoConfigure(target.context());
            }
        } catch (KubeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new KubeException("cannot read the kubeconfig: " + e.getMessage(), e);
        }
        if (target.context() != null && (config.getCurrentContext() == null
                || !Objects.equals(config.getCurrentContext().getName(), target.context()))) {
            List<String> names = config.getContexts() == null ? List.of() : config.getContexts().stream().map(NamedContext::getName).toList();
            throw new KubeException("the kubeconfig has no context '" + target.context() + "'"
                    + (names.isEmpty() ? "" : " (it has " + String.join(", ", names) + ")"));
        }
        return config;
    }

    private static String contextName(Config config) {
        return config.getCurrentContext() == null ? "(none)" : config.getCurrentContext().getName();
    }

    public KubernetesClient client() {
        return client;
    }

    /** The namespace every object is read from and written to. */
    public String namespace() {
        return namespace;
    }

    /** The API server's address and the context, for messages. */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        client.close();
    }
}
