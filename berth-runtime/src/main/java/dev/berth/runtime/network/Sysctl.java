package dev.berth.runtime.network;

import dev.berth.runtime.ContainerException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Kernel settings under /proc/sys, written directly instead of through the sysctl tool. */
final class Sysctl {
    private Sysctl() {
    }

    /** Sets a key such as "net.ipv4.ip_forward" to {@code value} unless it already has it. */
    static void ensure(String key, String value) {
        Path file = Path.of("/proc/sys", key.replace('.', '/'));
        try {
            if (!Files.readString(file).strip().equals(value)) {
                Files.writeString(file, value);
            }
        } catch (IOException e) {
            throw new ContainerException("cannot set " + key + "=" + value + ": " + e.getMessage(), e);
        }
    }

    /** A per-interface key: interface names may contain '.', which /proc/sys keeps as is. */
    static void ensureForInterface(String family, String device, String setting, String value) {
        Path file = Path.of("/proc/sys/net", family, "conf", device, setting);
        try {
            if (!Files.readString(file).strip().equals(value)) {
                Files.writeString(file, value);
            }
        } catch (IOException e) {
            throw new ContainerException("cannot set net." + family + ".conf." + device + "." + setting + "=" + value
                    + ": " + e.getMessage(), e);
        }
    }
}
