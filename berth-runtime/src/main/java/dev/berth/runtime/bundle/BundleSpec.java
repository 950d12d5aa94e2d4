package dev.berth.runtime.bundle;

import dev.berth.runtime.ContainerException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the engine wants to run, every field already resolved from the image config and the command line except the
 * user, which {@link RuntimeSpecWriter} resolves against the root filesystem's /etc/passwd and /etc/group.
 *
 * @param containerId     the runc container id (letters, digits, {@code _ + - .})
 * @param rootfs          the already-mounted root filesystem (absolute)
 * @param readOnlyRootfs  {@code --read-only}: the root and the /etc/hosts, /etc/hostname, /etc/resolv.conf files are
 *                        read-only
 * @param args            the final argv (entrypoint + cmd), non-empty
 * @param env             the final KEY=VALUE list; the writer adds only PATH, HOSTNAME and HOME, each when absent
 * @param workingDir      absolute; "" means "/"
 * @param user            "", "name", "uid", "uid:gid", "name:group", ... as the image or {@code -u} gave it
 * @param hostname        the container's host name
 * @param binds           {@code -v} bind mounts
 * @param tmpfs           {@code --tmpfs} mounts
 * @param resources       memory, CPU and pids limits
 * @param network         the network namespace
 * @param hostsFile       bind-mounted at /etc/hosts (null: not mounted)
 * @param hostnameFile    bind-mounted at /etc/hostname (null: not mounted)
 * @param resolvConfFile  bind-mounted at /etc/resolv.conf (null: not mounted)
 * @param cgroupsPath     the container's cgroup, cgroupfs style ("/berth/ID"); null or "" lets runc choose
 * @param noNewPrivileges {@code --security-opt no-new-privileges}
 * @param annotations     passed through to the runtime spec
 */
public record BundleSpec(
        String containerId,
        Path rootfs,
        boolean readOnlyRootfs,
        List<String> args,
        List<String> env,
        String workingDir,
        String user,
        String hostname,
        List<BindMount> binds,
        List<TmpfsMount> tmpfs,
        Resources resources,
        NetworkNamespace network,
        Path hostsFile,
        Path hostnameFile,
        Path resolvConfFile,
        String cgroupsPath,
        boolean noNewPrivileges,
        Map<String, String> annotations) {

    public BundleSpec {
        args = Checks.strings(args, "the command");
        env = Checks.strings(env, "the environment");
        workingDir = workingDir == null ? "" : workingDir;
        user = user == null ? "" : user;
        binds = Checks.items(binds, "the bind mounts");
        tmpfs = Checks.items(tmpfs, "the tmpfs mounts");
        resources = resources == null ? Resources.NONE : resources;
        network = network == null ? new NetworkNamespace.NewNamespace() : network;
        cgroupsPath = cgroupsPath == null ? "" : cgroupsPath;
        // Sorted, so that the same spec always gives the same config.json.
        annotations = annotations == null ? Map.of() : Collections.unmodifiableMap(sorted(annotations));
    }

    private static TreeMap<String, String> sorted(Map<String, String> annotations) {
        TreeMap<String, String> out = new TreeMap<>();
        annotations.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new ContainerException("annotation " + k + "=" + v + " lacks a key or a value");
            }
            out.put(k, v);
        });
        return out;
    }
}
