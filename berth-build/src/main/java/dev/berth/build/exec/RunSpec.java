package dev.berth.build.exec;

import java.nio.file.Path;
import java.util.List;

/**
 * One RUN step's container: its root filesystem (the stage's layers so far), process and mounts.
 *
 * @param lowers unpacked layer directories, bottom first; empty for a stage on {@code scratch}
 * @param args the process's argv
 * @param env KEY=VALUE entries
 * @param workingDir absolute path; "" is "/"
 * @param user as USER gave it ("", "name", "uid:gid" …), resolved inside the rootfs
 * @param hostNetwork the host's network namespace, else a new empty one
 * @param mounts RUN --mount mounts and secrets, in order
 * @param stdin bytes fed to the process's standard input, or null for none
 */
public record RunSpec(List<Path> lowers, List<String> args, List<String> env, String workingDir, String user,
                      boolean hostNetwork, List<ExtraMount> mounts, byte[] stdin) {
    public RunSpec {
        lowers = List.copyOf(lowers);
        args = List.copyOf(args);
        env = List.copyOf(env);
        mounts = List.copyOf(mounts);
    }

    /** A mount added for the step. */
    public sealed interface ExtraMount {
        String target();

        /** A host directory or file; {@code readOnly} as the mount asked. */
        record Bind(Path source, String target, boolean readOnly) implements ExtraMount {
        }

        /** A fresh tmpfs. */
        record Tmpfs(String target, List<String> options) implements ExtraMount {
            public Tmpfs {
                options = List.copyOf(options);
            }
        }
    }
}
