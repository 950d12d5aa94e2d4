package dev.berth.cli.registry;

import picocli.CommandLine.Command;

/** {@code berth registry …}: run a private OCI registry. */
@Command(name = "registry", description = "Serve an OCI registry (a private Docker Hub).", mixinStandardHelpOptions = true,
        subcommands = {RegistryServeCommand.class, RegistryGcCommand.class})
public final class RegistryCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
