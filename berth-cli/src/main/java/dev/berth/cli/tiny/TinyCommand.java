package dev.berth.cli.tiny;

import picocli.CommandLine.Command;

/** {@code berth tiny …}: tiny containers for microcontrollers (build, run, device budgets, fleets and OTA updates). */
@Command(name = "tiny", description = "Build, run and roll out tiny containers for TinyML devices.",
        mixinStandardHelpOptions = true,
        subcommands = {TinyBuildCommand.class, TinyRunCommand.class, TinyDevicesCommand.class, TinyFleetCommand.class,
                TinyRolloutCommand.class, TinyRollbackCommand.class, TinySignCommand.class, TinySignCommand.Keygen.class})
public final class TinyCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
