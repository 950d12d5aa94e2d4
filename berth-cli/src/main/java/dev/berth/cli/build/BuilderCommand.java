package dev.berth.cli.build;

import dev.berth.build.cache.BuildCache;
import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.GlobalOptions;
import dev.berth.cli.output.Units;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code berth builder …}: the build cache. */
@Command(name = "builder", description = "Manage the build cache.", mixinStandardHelpOptions = true,
        subcommands = {BuilderCommand.Prune.class})
public final class BuilderCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code berth builder prune [-a] [-f]}: empties the build cache, as {@code docker builder prune}. */
    @Command(name = "prune", description = "Remove the build cache.", mixinStandardHelpOptions = true)
    public static final class Prune implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = {"-a", "--all"}, description = "Remove all of it, cache mounts included (default: only what no image uses).")
        boolean all;

        @Option(names = {"-f", "--force"}, description = "Do not ask for confirmation.")
        boolean force;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (!force) {
                out.print(all ? "WARNING! This will remove all build cache. Are you sure you want to continue? [y/N] "
                        : "WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] ");
                out.flush();
                String answer;
                try {
                    answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                } catch (IOException e) {
                    answer = null;
                }
                if (answer == null || !(answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"))) {
                    throw new CommandFailure("", ExitCodes.FAILURE);
                }
            }
            BuildCache cache = BuildCache.open(GlobalOptions.rootDir(), GlobalOptions.store());
            BuildCache.PruneResult r = cache.prune(all);
            out.println("Deleted build cache entries: " + r.entriesRemoved()
                    + (all ? ", cache mounts: " + r.cacheMountsRemoved() : ""));
            out.println("Total reclaimed space: " + Units.humanSize(r.bytesFreed()));
            out.flush();
            return 0;
        }
    }
}
