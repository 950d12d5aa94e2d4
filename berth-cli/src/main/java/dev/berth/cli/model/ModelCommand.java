package dev.berth.cli.model;

import picocli.CommandLine.Command;

/** {@code berth model …}: package ONNX models as images, list their versions, serve one on this host. */
@Command(name = "model", description = "Work with ONNX models: package one as an image, list its versions, serve one on this host.",
        mixinStandardHelpOptions = true,
        subcommands = {ModelPackageCommand.class, ModelHistoryCommand.class, ModelServeCommand.class})
public final class ModelCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
