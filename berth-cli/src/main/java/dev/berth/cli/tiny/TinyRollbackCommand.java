package dev.berth.cli.tiny;

import dev.berth.tiny.fleet.Fleet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code berth tiny rollback --fleet F}: every device boots its other slot again, if that held a healthy container. */
@Command(name = "rollback", description = "Switch every device of a fleet back to its previous container.", mixinStandardHelpOptions = true)
public final class TinyRollbackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--fleet", required = true, paramLabel = "F")
    String fleet;

    @Override
    public Integer call() throws Exception {
        return TinyCli.guarded(() -> {
            Fleet f = Fleet.open(FleetTable.dir(fleet));
            FleetTable.print(spec.commandLine().getOut(), f, f.rollback());
            return 0;
        });
    }
}
