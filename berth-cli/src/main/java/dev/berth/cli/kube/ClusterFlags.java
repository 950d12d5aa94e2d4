package dev.berth.cli.kube;

import dev.berth.kube.cluster.ClusterTarget;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which cluster and namespace: kubectl's options of the same names. */
final class ClusterFlags {
    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "CTX", description = "Kubeconfig context (default: its current context).")
    String context;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Namespace (default: the context's, else default).")
    String namespace;

    ClusterTarget target() {
        return new ClusterTarget(kubeconfig, context, namespace);
    }
}
