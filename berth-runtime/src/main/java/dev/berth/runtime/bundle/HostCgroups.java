package dev.berth.runtime.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What this host's cgroups can limit, probed once per JVM. */
final class HostCgroups {
    private static final boolean SWAP_LIMIT = probeSwapLimit(Path.of("/sys/fs/cgroup"), Path.of("/proc/self/cgroup"));
    private static final boolean UNIFIED_ONLY = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));

    private HostCgroups() {
    }

    /**
     * Whether memory+swap can be limited. runc refuses a swap limit the kernel cannot apply, so without swap
     * accounting the spec carries the memory limit alone (as Docker does, with a warning).
     */
    static boolean swapLimitSupported() {
        return SWAP_LIMIT;
    }

    /** A pure cgroup v2 host (no v1 hierarchies mounted at /sys/fs/cgroup). */
    static boolean unifiedOnly() {
        return UNIFIED_ONLY;
    }

    static boolean probeSwapLimit(Path cgroupRoot, Path selfCgroup) {
        if (Files.exists(cgroupRoot.resolve("memory/memory.memsw.limit_in_bytes"))) {
            return true; // cgroup v1 with swap accounting
        }
        if (!Files.exists(cgroupRoot.resolve("cgroup.controllers"))) {
            return false; // v1 without swap accounting
        }
        // cgroup v2: the root has no memory.swap.max; look in our own (non-root) cgroup.
        try {
            for (String line : Files.readAllLines(selfCgroup)) {
                if (line.startsWith("0::")) {
                    String own = line.substring(3);
                    Path dir = cgroupRoot.resolve(own.startsWith("/") ? own.substring(1) : own);
                    return Files.exists(dir.resolve("memory.swap.max"));
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
