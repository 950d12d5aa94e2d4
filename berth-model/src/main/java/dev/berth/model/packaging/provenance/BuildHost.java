package dev.berth.model.packaging.provenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who is building: "user@host", read without a DNS lookup (a packaging run must not wait on the network for this). */
public final class BuildHost {
    private BuildHost() {
    }

    public static String userAtHost() {
        return System.getProperty("user.name", "unknown") + "@" + hostname();
    }

    static String hostname() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | SecurityException e) {
            // not Linux: ask Java
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
