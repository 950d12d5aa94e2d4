package dev.berth.cli.kube;

import dev.berth.cli.output.Table;
import dev.berth.kube.cluster.ClusterConnection;
import dev.berth.kube.cluster.DeploymentReport;
import dev.berth.kube.cluster.KubeDeployer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berth kube status NAME}: what runs, how its rollout stands, and the revisions a rollback can go to. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a model's Deployment on Kubernetes and its revisions.")
public final class KubeStatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The Deployment (the model's name unless deployed with --name).")
    String name;

    @Mixin
    ClusterFlags cluster;

    @Override
    public Integer call() throws Exception {
        return KubeCli.guarded(() -> {
            PrintWriter out = spec.commandLine().getOut();
            try (ClusterConnection connection = ClusterConnection.open(cluster.target())) {
                DeploymentReport r = new KubeDeployer(connection).status(name);
                out.println("deployment " + r.name() + " in namespace " + r.namespace() + " at " + connection.description());
                out.println("model:      " + r.model() + " version " + r.version());
                out.println("image:      " + r.image());
                out.println("replicas:   " + r.desired() + " desired, " + r.updated() + " updated, " + r.ready() + " ready, "
                        + r.available() + " available");
                out.println("rollout:    " + (r.rollout().done() ? "complete: " : r.rollout().failed() ? "failed: " : "in progress: ")
                        + r.rollout().message());
                if (r.autoscaler() != null) {
                    out.println("autoscaler: " + r.autoscaler() + " replicas");
                }
                out.println();
                out.println("revisions (from " + r.historySource() + "):");
                Table table = new Table("REVISION", "VERSION", "IMAGE", "APPLIED", "CAUSE");
                for (DeploymentReport.Revision rev : r.revisions()) {
                    table.row(rev.number() + (rev.current() ? " (running)" : ""), String.valueOf(rev.version()), rev.image(),
                            rev.appliedAt() == null ? "-" : rev.appliedAt(), rev.cause());
                }
                table.print(out);
            }
            out.flush();
            return 0;
        });
    }
}
