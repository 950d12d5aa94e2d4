package dev.berth.daemon.engine;

import dev.berth.daemon.api.ContainerState;
import java.time.Instant;

/** The state transitions of a container, each a new {@link ContainerState} from the previous one. */
final class StateChanges {
    private StateChanges() {
    }

    static ContainerState running(ContainerState s, int pid, ContainerState.Health health) {
        return new ContainerState("running", true, false, false, false, false, pid, 0, "", Times.format(Instant.now()),
                ContainerState.NEVER, health);
    }

    static ContainerState exited(ContainerState s, int exitCode, boolean oomKilled, String error) {
        return new ContainerState("exited", false, false, false, oomKilled, false, 0, exitCode, error == null ? "" : error,
                s.startedAt(), Times.format(Instant.now()), s.health());
    }

    static ContainerState restarting(ContainerState s) {
        return new ContainerState("restarting", false, false, true, s.oomKilled(), false, 0, s.exitCode(), s.error(),
                s.startedAt(), s.finishedAt(), s.health());
    }

    static ContainerState exitedWithoutRestart(ContainerState s) {
        return new ContainerState("exited", false, false, false, s.oomKilled(), false, 0, s.exitCode(), s.error(),
                s.startedAt(), s.finishedAt(), s.health());
    }

    /** A start that failed: Docker leaves the container as it was, with the error and exit code recorded. */
    static ContainerState failedToStart(ContainerState s, String error, int exitCode) {
        String status = s.status().equals("created") ? "created" : "exited";
        return new ContainerState(status, false, false, false, false, false, 0, exitCode, error, s.startedAt(),
                s.finishedAt(), s.health());
    }

    static ContainerState withHealth(ContainerState s, ContainerState.Health health) {
        return new ContainerState(s.status(), s.running(), s.paused(), s.restarting(), s.oomKilled(), s.dead(), s.pid(),
                s.exitCode(), s.error(), s.startedAt(), s.finishedAt(), health);
    }
}
