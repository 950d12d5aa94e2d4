package dev.berth.cli.kube;

import dev.berth.kube.cluster.ClusterConnection;
import dev.berth.kube.cluster.DeployResult;
import dev.berth.kube.cluster.KubeDeployer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code berth kube rollback NAME [--to-revision N]}: returns a model's Deployment to its previous revision (as a new
 * revision, so a second rollback undoes the first) and follows the rollout.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Return a model on Kubernetes to its previous revision and follow the rollout.")
public final class KubeRollbackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The Deployment (the model's name unless deployed with --name).")
    String name;

    @Option(names = "--to-revision", paramLabel = "N", description = "Go to revision N, as `berth kube status` lists them.")
    Integer toRevision;

    @Mixin
    ClusterFlags cluster;

    @Option(names = "--timeout", paramLabel = "D", defaultValue = "5m",
            description = "How long to wait for the rollout (default ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--poll", paramLabel = "D", defaultValue = "1s", hidden = true)
    String poll;

    @Override
    public Integer call() throws Exception {
        return KubeCli.guarded(() -> {
            var wait = KubeCli.duration(timeout, "--timeout");
            var interval = KubeCli.duration(poll, "--poll");
            PrintWriter out = spec.commandLine().getOut();
            try (ClusterConnection connection = ClusterConnection.open(cluster.target())) {
                DeployResult result = new KubeDeployer(connection, interval).rollback(name, toRevision, wait, line -> {
                    out.println(line);
                    out.flush();
                });
                out.println(result.message());
            }
            out.flush();
            return 0;
        });
    }
}
