package dev.berth.oci.store;

import dev.berth.oci.digest.Digest;
import java.nio.file.Path;

/**
 * Where things live under a Berth root. The {@code images} directory is a valid OCI image layout (tools such as skopeo
 * can read it as {@code oci:ROOT/images:NAME}); Berth's own bookkeeping sits beside the layout's files.
 */
public record StorePaths(Path root) {
    public Path layout() {
        return root.resolve("images");
    }

    public Path ociLayoutFile() {
        return layout().resolve("oci-layout");
    }

    public Path indexFile() {
        return layout().resolve("index.json");
    }

    public Path blobs() {
        return layout().resolve("blobs");
    }

    public Path blob(Digest digest) {
        return blobs().resolve(digest.algorithm()).resolve(digest.encoded());
    }

    /** Blobs being written; only a commit that verified the digest moves one into blobs/. */
    public Path ingest() {
        return layout().resolve("ingest");
    }

    /** One file per live writer, listing the digests it holds, locked while the writer lives. */
    public Path leases() {
        return layout().resolve("leases");
    }

    /** Guards read-modify-write of index.json. */
    public Path indexLock() {
        return layout().resolve("index.lock");
    }

    /** Writers commit under a shared lock on it; garbage collection deletes under an exclusive one. */
    public Path gcLock() {
        return layout().resolve("gc.lock");
    }

    /**
     * Images in use by something other than a name (a container): one file per user, naming the root descriptor it
     * keeps. Garbage collection keeps what a pin reaches; rmi refuses to delete a pinned image without force.
     */
    public Path pins() {
        return root.resolve("pins");
    }

    /**
     * The root for this user: {@code $BERTH_ROOT}, else {@code /var/lib/berth} for root and
     * {@code $XDG_DATA_HOME/berth} (default {@code ~/.local/share/berth}) for others.
     */
    public static Path defaultRoot() {
        String env = System.getenv("BERTH_ROOT");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/var/lib/berth");
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("berth");
    }
}
