package dev.berth.cli.registry;

import dev.berth.cli.GlobalOptions;
import dev.berth.cli.output.Units;
import dev.berth.registry.storage.GcResult;
import dev.berth.registry.storage.RegistryStorage;
import java.time.Duration;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code berth registry gc}: delete registry blobs that no manifest reaches (safe while the server runs). */
@Command(name = "gc", description = "Remove registry blobs that no manifest references.", mixinStandardHelpOptions = true)
public final class RegistryGcCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--root", paramLabel = "DIR", description = "The registry's content (default: BERTH_ROOT/registry).")
    Path root;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "PT1H",
            description = "Keep unreferenced blobs younger than this (ISO-8601, default ${DEFAULT-VALUE}): a push still "
                    + "uploading layers has not written the manifest that will reference them.")
    Duration grace;

    @Override
    public Integer call() {
        Path dir = root != null ? root.toAbsolutePath() : GlobalOptions.rootDir().resolve("registry");
        if (grace.isNegative()) {
            throw new dev.berth.registry.RegistryException("--grace must not be negative: " + grace);
        }
        GcResult r = new RegistryStorage(dir).collectGarbage(grace);
        var out = spec.commandLine().getOut();
        out.println("Deleted " + r.blobsRemoved() + " blob(s); reclaimed " + Units.humanSize(r.bytesFreed()));
        out.flush();
        return 0;
    }
}
