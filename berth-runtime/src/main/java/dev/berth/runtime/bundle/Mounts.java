package dev.berth.runtime.bundle;

import dev.berth.runtime.ContainerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The container's mount list: Docker's default kernel file systems first, then the engine's /etc files and the
 * user's binds and tmpfs mounts, ordered parents before children. A user mount at a default's destination replaces
 * the default, as in Docker; two user mounts at one destination are an error.
 */
final class Mounts {
    private record Mount(String destination, String type, String source, List<String> options) {
    }

    private static final List<Mount> DEFAULTS = List.of(
            new Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
            new Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
            new Mount("/dev/pts", "devpts", "devpts",
                    List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
            new Mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=67108864")),
            new Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
            new Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")),
            new Mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "ro")));

    private Mounts() {
    }

    static void write(ObjectNode spec, BundleSpec s) {
        List<Mount> user = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (BindMount b : s.binds()) {
            String dst = Checks.containerPath(b.destination(), "bind mount destination");
            if (b.source() == null) {
                throw new ContainerException("bind mount at " + dst + " has no source");
            }
            if (!b.source().isAbsolute()) {
                throw new ContainerException("bind mount source " + b.source() + " is not an absolute path");
            }
            if (!Files.exists(b.source())) {
                throw new ContainerException("bind mount source path does not exist: " + b.source());
            }
            List<String> options = b.readOnly() ? List.of("rbind", "rprivate", "ro") : List.of("rbind", "rprivate");
            add(user, seen, new Mount(dst, "bind", b.source().toString(), options));
        }
        for (TmpfsMount t : s.tmpfs()) {
            String dst = Checks.containerPath(t.destination(), "tmpfs destination");
            add(user, seen, new Mount(dst, "tmpfs", "tmpfs", t.options()));
        }
        // Docker mounts these read-write unless the whole root is read-only; a file has no submounts, so "bind".
        List<String> etcOptions = s.readOnlyRootfs()
                ? List.of("bind", "rprivate", "nosuid", "nodev", "noexec", "ro")
                : List.of("bind", "rprivate", "nosuid", "nodev", "noexec");
        etcFile(user, seen, "/etc/hosts", s.hostsFile(), etcOptions);
        etcFile(user, seen, "/etc/hostname", s.hostnameFile(), etcOptions);
        etcFile(user, seen, "/etc/resolv.conf", s.resolvConfFile(), etcOptions);
        // Parents before children (a bind at /data before a tmpfs at /data/cache); stable for equal depth.
        user.sort(Comparator.comparingInt(m -> depth(m.destination())));

        ArrayNode mounts = spec.putArray("mounts");
        for (Mount m : DEFAULTS) {
            if (!seen.contains(m.destination())) {
                put(mounts, m);
            }
        }
        for (Mount m : user) {
            put(mounts, m);
        }
    }

    private static void etcFile(List<Mount> user, Set<String> seen, String dst, Path file, List<String> options) {
        if (file == null || seen.contains(dst)) {
            return; // not wanted, or the user mounted their own
        }
        if (!Files.isRegularFile(file)) {
            throw new ContainerException("the file to mount at " + dst + " does not exist: " + file);
        }
        user.add(new Mount(dst, "bind", file.toString(), options));
        seen.add(dst);
    }

    private static void add(List<Mount> user, Set<String> seen, Mount m) {
        if (!seen.add(m.destination())) {
            throw new ContainerException("duplicate mount point: " + m.destination());
        }
        user.add(m);
    }

    private static int depth(String path) {
        int n = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }

    private static void put(ArrayNode mounts, Mount m) {
        ObjectNode o = mounts.addObject();
        o.put("destination", m.destination());
        o.put("type", m.type());
        o.put("source", m.source());
        ArrayNode opts = o.putArray("options");
        for (String opt : m.options()) {
            opts.add(opt);
        }
    }
}
