package dev.berth.cli.model;

import picocli.CommandLine.Command;

/** {@code berth model …}: serve, package and follow ONNX models. */
@Command(name = "model", description = "Work with ONNX models: serve one on this host.", mixinStandardHelpOptions = true,
        subcommands = {ModelServeCommand.class})
public final class ModelCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
