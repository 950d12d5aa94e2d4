package dev.berth.cli.system;

import picocli.CommandLine.Command;

/** {@code berth system …}: store-wide maintenance. */
@Command(name = "system", description = "Manage Berth's store.", mixinStandardHelpOptions = true,
        subcommands = {CheckCommand.class, GcCommand.class, DfCommand.class})
public final class SystemCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
