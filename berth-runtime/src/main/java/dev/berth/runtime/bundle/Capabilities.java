package dev.berth.runtime.bundle;

import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Docker's default capability set and how it is given to a process: root gets it bounding, effective and permitted;
 * any other user gets it as the bounding set only (effective and permitted empty, as after a real setuid), so a
 * non-root process cannot use a capability unless it executes a file that carries it. Inheritable and ambient stay
 * empty for everyone: the kernel never fills them on its own, and filling them lets file capabilities escalate.
 */
final class Capabilities {
    /** Capability names with their numbers (linux/capability.h), in Docker's order. */
    static final List<String> DEFAULT = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
            "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
            "CAP_AUDIT_WRITE");

    private Capabilities() {
    }

    static void write(ObjectNode process, boolean root) {
        ObjectNode caps = process.putObject("capabilities");
        fill(caps.putArray("bounding"));
        if (root) {
            fill(caps.putArray("effective"));
            fill(caps.putArray("permitted"));
        } else {
            caps.putArray("effective");
            caps.putArray("permitted");
        }
        caps.putArray("inheritable");
        caps.putArray("ambient");
    }

    private static void fill(ArrayNode array) {
        for (String cap : DEFAULT) {
            array.add(cap);
        }
    }
}
