package dev.berth.daemon.engine;

import dev.berth.runtime.monitor.MonitorFiles;
import java.nio.file.Path;

/** The files of one container under {@code containers/ID/}. */
public record ContainerFiles(Path dir, Path exitDir, Path socketDir) {
    public Path record() {
        return dir.resolve("container.json");
    }

    public Path state() {
        return dir.resolve("state.json");
    }

    public Path bundle() {
        return dir.resolve("bundle");
    }

    public Path upper() {
        return dir.resolve("upper");
    }

    public Path work() {
        return dir.resolve("work");
    }

    public Path rootfs() {
        return dir.resolve("rootfs");
    }

    public Path log() {
        return dir.resolve("ctr.log");
    }

    public Path hosts() {
        return dir.resolve("hosts");
    }

    public Path hostname() {
        return dir.resolve("hostname");
    }

    public Path resolvConf() {
        return dir.resolve("resolv.conf");
    }

    public Path persist() {
        return dir.resolve("persist");
    }

    public MonitorFiles monitor() {
        return new MonitorFiles(bundle(), log(), exitDir, persist(), socketDir, bundle().resolve("pidfile"),
                dir.resolve("conmon.pid"));
    }
}
