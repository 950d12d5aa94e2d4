package dev.berth.cli.tiny;

import dev.berth.tiny.ByteSize;
import dev.berth.tiny.container.DeviceProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code berth tiny devices}: the device profiles {@code --device} can name. */
@Command(name = "devices", description = "List the device profiles (boards with their flash and RAM).", mixinStandardHelpOptions = true)
public final class TinyDevicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--devices", paramLabel = "FILE", description = "Extra device profiles (YAML).")
    Path devices;

    @Override
    public Integer call() throws Exception {
        return TinyCli.guarded(() -> {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-22s %10s %10s  %s%n", "PROFILE", "FLASH", "RAM", "BOARD");
            for (DeviceProfile p : TinyCli.catalog(devices).all()) {
                out.printf("%-22s %10s %10s  %s%n", p.name(), ByteSize.format(p.flashBytes()), ByteSize.format(p.ramBytes()), p.description());
            }
            out.flush();
            return 0;
        });
    }
}
