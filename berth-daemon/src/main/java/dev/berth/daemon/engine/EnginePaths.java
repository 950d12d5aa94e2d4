package dev.berth.daemon.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where the engine keeps things for one Berth root. Container state lives under the root ({@code containers/ID/});
 * the runtime's own state (runc's, conmon's exit files and attach sockets) under {@code run/}, which must stay short
 * because Unix socket paths are limited to 107 bytes.
 */
public record EnginePaths(Path root) {
    public Path containers() {
        return root.resolve("containers");
    }

    public Path container(String id) {
        return containers().resolve(id);
    }

    public Path run() {
        return root.resolve("run");
    }

    public Path runcRoot() {
        return run().resolve("runc");
    }

    public Path exits() {
        return run().resolve("exits");
    }

    /** conmon makes a symlink per container here (named by the short ID) to reach the attach socket in its bundle. */
    public Path monitorSockets() {
        return run().resolve("s");
    }

    public Path daemonLock() {
        return root.resolve("daemon.lock");
    }

    public Path daemonLog() {
        return root.resolve("daemon.log");
    }

    /**
     * The API socket: {@code /run/berth/berth.sock} for the default root of the root user, otherwise one per root
     * under /run/berth (or $XDG_RUNTIME_DIR/berth for other users), named by a hash of the root's path, so every store
     * has its own daemon. {@code BERTH_HOST=unix:///path} overrides.
     */
    public static Path socketFor(Path root, Path defaultRoot) {
        String host = System.getenv("BERTH_HOST");
        if (host != null && host.startsWith("unix://")) {
            return Path.of(host.substring("unix://".length()));
        }
        Path dir;
        if ("root".equals(System.getProperty("user.name"))) {
            dir = Path.of("/run/berth");
        } else {
            String xdg = System.getenv("XDG_RUNTIME_DIR");
            dir = xdg != null && !xdg.isBlank() ? Path.of(xdg, "berth") : Path.of("/tmp", "berth-" + System.getProperty("user.name"));
        }
        if (root.toAbsolutePath().normalize().equals(defaultRoot.toAbsolutePath().normalize())) {
            return dir.resolve("berth.sock");
        }
        return dir.resolve(shortHash(root.toAbsolutePath().normalize().toString()) + ".sock");
    }

    static String shortHash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
