package dev.berth.cli.tiny;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.GlobalOptions;
import dev.berth.tiny.TinyException;
import dev.berth.tiny.container.DeviceCatalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** What the tiny subcommands share: user errors as one line, and where device profiles come from. */
final class TinyCli {
    private TinyCli() {
    }

    /** Runs a command body; a TinyException is the user's error, printed as one line with exit code 1. */
    static Integer guarded(Callable<Integer> body) throws Exception {
        try {
            return body.call();
        } catch (TinyException e) {
            throw new CommandFailure(e.getMessage(), ExitCodes.FAILURE);
        }
    }

    /** The built-in boards plus {@code --devices FILE}, or else {@code ROOT/tiny/devices.yml} when it exists. */
    static DeviceCatalog catalog(Path devicesFile) {
        Path file = devicesFile != null ? devicesFile : GlobalOptions.rootDir().resolve("tiny/devices.yml");
        if (devicesFile == null && !Files.exists(file)) {
            return DeviceCatalog.builtIn();
        }
        return DeviceCatalog.withUserFile(file);
    }
}
