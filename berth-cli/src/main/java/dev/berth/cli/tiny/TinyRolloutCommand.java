package dev.berth.cli.tiny;

import dev.berth.cli.ExitCodes;
import dev.berth.cli.GlobalOptions;
import dev.berth.tiny.TinyException;
import dev.berth.tiny.fleet.ContainerSource;
import dev.berth.tiny.fleet.Fleet;
import dev.berth.tiny.fleet.RegistrySource;
import dev.berth.tiny.fleet.StoreSource;
import dev.berth.tiny.fleet.UpdateOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code berth tiny rollout NAME:VERSION --fleet F [--canary 10%]}: every device downloads the container (from the
 * registry the reference names, else from the local store), installs it in its inactive slot, switches and checks its
 * health, rolling back by itself when the check fails. Exit code 1 when any device did not end up on the new version.
 */
@Command(name = "rollout", description = "Roll a tiny container out to a fleet (A/B slots, health check, automatic rollback).",
        mixinStandardHelpOptions = true)
public final class TinyRolloutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME:VERSION")
    String reference;

    @Option(names = "--fleet", required = true, paramLabel = "F")
    String fleet;

    @Option(names = "--canary", paramLabel = "PERCENT", description = "Update this share of the devices first (e.g. 10%%); stop if any fails.")
    String canary;

    @Override
    public Integer call() throws Exception {
        return TinyCli.guarded(() -> {
            int percent = 0;
            if (canary != null) {
                try {
                    percent = Integer.parseInt(canary.strip().replace("%", ""));
                } catch (NumberFormatException e) {
                    throw new TinyException("--canary '" + canary + "' must be a percentage like 10%");
                }
                if (percent < 1 || percent > 100) {
                    throw new TinyException("--canary must be between 1% and 100%, not " + canary);
                }
            }
            ContainerSource source = RegistrySource.namesRegistry(reference) ? new RegistrySource() : new StoreSource(GlobalOptions.store());
            Fleet f = Fleet.open(FleetTable.dir(fleet));
            List<UpdateOutcome> outcomes = f.rollout(reference, source, percent);
            FleetTable.print(spec.commandLine().getOut(), f, outcomes);
            boolean all = outcomes.stream().allMatch(o -> o.result() == UpdateOutcome.Result.UPDATED
                    || (o.result() == UpdateOutcome.Result.UNCHANGED && o.detail().startsWith("already")));
            return all ? 0 : ExitCodes.FAILURE;
        });
    }
}
