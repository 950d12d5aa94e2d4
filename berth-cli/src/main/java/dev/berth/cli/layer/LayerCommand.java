package dev.berth.cli.layer;

import picocli.CommandLine.Command;

/** {@code berth layer …}: plumbing for single layers, to look inside images or make a layer by hand. */
@Command(name = "layer", description = "Create or extract a single image layer.", mixinStandardHelpOptions = true,
        subcommands = {LayerCreateCommand.class, LayerExtractCommand.class})
public final class LayerCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
