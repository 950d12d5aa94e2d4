package dev.berth.runtime.monitor;

import java.nio.file.Path;

/**
 * Where a container's monitor keeps its files. The exit file ({@code exitDir/ID}, the exit status as text) is what
 * the engine watches; {@code persistDir} gets conmon's own copy of the status ({@code exit}) and an {@code oom} file
 * when the kernel's OOM killer struck.
 */
public record MonitorFiles(Path bundle, Path logFile, Path exitDir, Path persistDir, Path socketDir, Path containerPidFile,
                           Path monitorPidFile) {
    public Path exitFile(String id) {
        return exitDir.resolve(id);
    }

    public Path oomFile() {
        return persistDir.resolve("oom");
    }
}
