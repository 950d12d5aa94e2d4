package dev.berth.cli.container;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code berth create}: a container ready to start, its ID printed. */
@Command(name = "create", description = "Create a new container without starting it.", sortOptions = false)
public final class CreateCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    // only --help: -h is --hostname, as in docker run
    @picocli.CommandLine.Option(names = "--help", usageHelp = true, description = "Show this help message and exit.")
    boolean help;
    @Mixin
    CreateOptions options = new CreateOptions();

    @Override
    public Integer call() {
        String id = RunCommand.create(DaemonConnection.client(), options, spec.commandLine().getErr());
        spec.commandLine().getOut().println(id);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
