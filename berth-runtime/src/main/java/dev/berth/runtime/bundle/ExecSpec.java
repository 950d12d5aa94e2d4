package dev.berth.runtime.bundle;

import java.util.List;

/**
 * A process to start in a running container ({@code berth exec}). The engine passes the final environment (the
 * container's merged with {@code -e}); an empty working directory means "/" and an empty user means root, so the engine
 * passes the container's own user and working directory when the command line gave none.
 */
public record ExecSpec(List<String> args, List<String> env, String workingDir, String user, boolean noNewPrivileges) {
    public ExecSpec {
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        workingDir = workingDir == null ? "" : workingDir;
        user = user == null ? "" : user;
    }
}
