package dev.berth.cli;

import picocli.CommandLine;

/** Entry point of the {@code berth} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns Docker's exit code for it. */
    public static int run(String... args) {
        // `berth --version` is what scripts and people run to see that berth works at all: answer it without building
        // the command tree, whose reflection is most of the start-up time.
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            System.out.println(new BerthCommand.Version().getVersion()[0]);
            return ExitCodes.OK;
        }
        return BerthCommand.commandLine(args).execute(args);
    }
}
