package dev.berth.runtime.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A tiny root filesystem made of the host's static busybox, with two users and a few groups. */
final class BusyboxRootfs {
    static final Path BUSYBOX = Path.of("/bin/busybox");
    static final List<String> APPLETS = List.of(
            "sh", "id", "cat", "hostname", "pwd", "env", "unshare", "touch", "echo", "grep", "ls", "head", "wc",
            "sleep", "mount", "true", "false", "stat", "mkdir", "tail", "dd", "sed", "tr", "linux32");

    static final String PASSWD = """
            root:x:0:0:root:/root:/bin/sh
            alice:x:1000:1000:Alice:/home/alice:/bin/sh
            bob:x:1001:1001:Bob::/bin/sh
            """;
    static final String GROUP = """
            root:x:0:
            alice:x:1000:
            bob:x:1001:
            staff:x:50:alice,bob
            video:x:44:alice
            """;

    private BusyboxRootfs() {
    }

    /** Creates {@code dir} as a rootfs; busybox-static must be installed. */
    static Path create(Path dir) throws IOException {
        if (!Files.isRegularFile(BUSYBOX)) {
            throw new IllegalStateException("/bin/busybox is missing: install busybox-static (scripts/install-deps)");
        }
        Files.createDirectories(dir.resolve("bin"));
        Files.copy(BUSYBOX, dir.resolve("bin/busybox"));
        for (String applet : APPLETS) {
            Files.createSymbolicLink(dir.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        for (String d : List.of("etc", "proc", "sys", "dev", "tmp", "root", "home/alice", "work", "data")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.writeString(dir.resolve("etc/passwd"), PASSWD);
        Files.writeString(dir.resolve("etc/group"), GROUP);
        return dir;
    }

    /** Just the account files, for resolver tests that run nothing. */
    static Path accountsOnly(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/passwd"), PASSWD);
        Files.writeString(dir.resolve("etc/group"), GROUP);
        return dir;
    }
}
