package dev.berth.cli.model;

import picocli.CommandLine.Command;

/** {@code berth model …}: ONNX models as images that serve the Open Inference Protocol. */
@Command(name = "model", description = "Package ONNX models as images and list their versions.", mixinStandardHelpOptions = true,
        subcommands = {ModelPackageCommand.class, ModelHistoryCommand.class})
public final class ModelCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
