package dev.berth.cli.kube;

import dev.berth.cli.GlobalOptions;
import dev.berth.kube.cluster.ClusterConnection;
import dev.berth.kube.cluster.DeployResult;
import dev.berth.kube.cluster.KubeDeployer;
import dev.berth.kube.manifest.ManifestSet;
import dev.berth.kube.manifest.Manifests;
import dev.berth.kube.manifest.ModelImage;
import dev.berth.kube.manifest.ModelImages;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code berth kube deploy NAME:VERSION}: applies the model's manifests to the cluster of the current kubeconfig as a
 * new revision and follows the rollout until every replica runs it. The image must already be in a registry the
 * cluster pulls from ({@code berth push}).
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Deploy a packaged model to Kubernetes and follow the rollout.")
public final class KubeDeployCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME:VERSION", description = "A model image in Berth's store, pushed where the cluster pulls.")
    String image;

    @Mixin
    ManifestFlags flags;

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
            ModelImage model = ModelImages.read(GlobalOptions.store(), image, flags.registryName, flags.pinDigest);
            flags.options(null); // refuse bad flags before anything touches the cluster
            PrintWriter out = spec.commandLine().getOut();
            try (ClusterConnection connection = ClusterConnection.open(cluster.target())) {
                ManifestSet set = Manifests.build(model, flags.options(connection.namespace()));
                DeployResult result = new KubeDeployer(connection, interval).deploy(set, wait, line -> {
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
