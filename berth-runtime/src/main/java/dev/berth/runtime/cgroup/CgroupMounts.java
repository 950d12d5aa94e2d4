package dev.berth.runtime.cgroup;

import dev.berth.runtime.ContainerException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cgroup file systems mounted on this host, read from /proc/self/mountinfo.
 *
 * @param v1Controllers each cgroup v1 controller (memory, cpuacct, pids, ...) and where its hierarchy is mounted;
 *                      a hierarchy that co-mounts several controllers ("cpu,cpuacct") appears once per controller
 * @param v1Hierarchies every v1 hierarchy mount, including named ones without controllers (name=systemd)
 * @param unified       the cgroup2 mount: the only one on a v2 host, /sys/fs/cgroup/unified on a hybrid host
 */
record CgroupMounts(Map<String, Path> v1Controllers, List<Path> v1Hierarchies, Optional<Path> unified) {

    private static final Set<String> NOT_CONTROLLERS = Set.of("rw", "ro", "clone_children", "noprefix",
            "xattr", "nsdelegate", "memory_recursiveprot", "memory_localevents", "favordynmods");

    CgroupMounts {
        v1Controllers = Map.copyOf(v1Controllers);
        v1Hierarchies = List.copyOf(v1Hierarchies);
    }

    /** True when this is a pure cgroup v2 host (no v1 hierarchy carries a controller). */
    boolean isV2() {
        return v1Controllers.isEmpty() && unified.isPresent();
    }

    /**
     * Parses mountinfo text (proc(5): "ID parent major:minor root mountpoint options [optional...] - fstype source
     * superoptions"). The first mount of a hierarchy wins, as bind mounts of it come later.
     */
    static CgroupMounts parse(String mountinfo) {
        Map<String, Path> controllers = new LinkedHashMap<>();
        List<Path> hierarchies = new ArrayList<>();
        Path unified = null;
        for (String line : mountinfo.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split(" ");
            int dash = List.of(fields).indexOf("-");
            if (dash < 6 || fields.length < dash + 3) {
                throw new ContainerException("cannot parse /proc/self/mountinfo line: " + line);
            }
            String fsType = fields[dash + 1];
            Path mountPoint = Path.of(unescape(fields[4]));
            if (fsType.equals("cgroup2")) {
                if (unified == null) {
                    unified = mountPoint;
                }
            } else if (fsType.equals("cgroup")) {
                boolean newHierarchy = true;
                for (String option : fields[dash + 3].split(",")) {
                    if (NOT_CONTROLLERS.contains(option) || option.contains("=")) {
                        continue;
                    }
                    if (controllers.containsKey(option)) {
                        newHierarchy = false;
                    } else {
                        controllers.put(option, mountPoint);
                    }
                }
                if (newHierarchy && !hierarchies.contains(mountPoint)) {
                    hierarchies.add(mountPoint);
                }
            }
        }
        return new CgroupMounts(controllers, hierarchies, Optional.ofNullable(unified));
    }

    /** Mount points escape space, tab, newline and backslash as \ooo octal. */
    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] raw = field.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\\' && i + 3 < raw.length && isOctal(raw[i + 1]) && isOctal(raw[i + 2])
                    && isOctal(raw[i + 3])) {
                bytes.write((raw[i + 1] - '0') * 64 + (raw[i + 2] - '0') * 8 + (raw[i + 3] - '0'));
                i += 3;
            } else {
                bytes.write(raw[i]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isOctal(byte b) {
        return b >= '0' && b <= '7';
    }
}
