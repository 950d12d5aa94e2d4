package dev.berth.cli.container;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code berth create}: a container ready to start, its ID printed. */
@Command(name = "create", description = "Create a new container without starting it.", mixinStandardHelpOptions = true, sortOptions = false)
public final class CreateCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
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
