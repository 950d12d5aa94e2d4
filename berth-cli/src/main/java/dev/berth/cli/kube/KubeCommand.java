package dev.berth.cli.kube;

import picocli.CommandLine.Command;

/** {@code berth kube …}: packaged models on a Kubernetes cluster (manifests, deploy, rollback, status). */
@Command(name = "kube", description = "Deploy packaged models to Kubernetes: manifests, deploy, rollback, status.",
        mixinStandardHelpOptions = true,
        subcommands = {KubeManifestsCommand.class, KubeDeployCommand.class, KubeRollbackCommand.class, KubeStatusCommand.class})
public final class KubeCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
