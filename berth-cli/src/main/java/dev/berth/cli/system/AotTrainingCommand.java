package dev.berth.cli.system;

import dev.berth.cli.BerthCommand;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Hidden: the launcher's AOT training run. Runs the everyday commands once in this JVM (against the empty store the
 * launcher passes with --root) so the JDK's AOT cache holds the classes they load, linked and profiled.
 */
@Command(name = "internal-aot-training", hidden = true)
public final class AotTrainingCommand implements Callable<Integer> {
    private static final List<String[]> TRAINING = List.of(
            new String[] {"--version"},
            new String[] {"--help"},
            new String[] {"help", "images"},
            new String[] {"images"},
            new String[] {"images", "--format", "json"},
            new String[] {"system", "df"},
            new String[] {"system", "check"},
            new String[] {"inspect", "docker.io/library/busybox:latest"},
            new String[] {"images", "--no-such-flag"});

    @Override
    public Integer call() {
        for (String[] args : TRAINING) {
            BerthCommand.commandLine(args).execute(args);
        }
        return 0;
    }
}
