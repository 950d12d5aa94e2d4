package dev.berth.runtime.cgroup;

import dev.berth.runtime.ContainerException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's RAM: what "no memory limit" means in a usage/limit display, as Docker shows it. */
final class HostMemory {
    private HostMemory() {
    }

    static long totalBytes() {
        try {
            return parseMemTotal(Files.readString(Path.of("/proc/meminfo")));
        } catch (IOException e) {
            throw new ContainerException("cannot read /proc/meminfo: " + e.getMessage(), e);
        }
    }

    static long parseMemTotal(String meminfo) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring("MemTotal:".length()).trim().split("\\s+");
                long kib = CgroupFiles.parseLong(parts[0], "/proc/meminfo MemTotal");
                return kib * 1024;
            }
        }
        throw new ContainerException("/proc/meminfo has no MemTotal line");
    }
}
