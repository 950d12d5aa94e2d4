package dev.berth.cli.build;

import dev.berth.build.engine.BuildRequest;
import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import java.nio.file.Path;

/** {@code berth build --locked}: the request with every input pinned by berth.lock, or a list of what drifted. */
final class LockedBuild {
    private LockedBuild() {
    }

    static BuildRequest apply(BuildRequest request, Path dockerfile, Path context) {
        throw new CommandFailure("--locked needs the lock file support, which is not in this build yet", ExitCodes.FAILURE);
    }
}
