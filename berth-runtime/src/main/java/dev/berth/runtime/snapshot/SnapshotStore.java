package dev.berth.runtime.snapshot;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.layer.ExtractOptions;
import dev.berth.oci.layer.ExtractResult;
import dev.berth.oci.layer.LayerExtractor;
import dev.berth.oci.store.FileLocks;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import dev.berth.runtime.ContainerException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Unpacked layers, each once, shared by every container (and build step) whose image has them. A layer's directory is
 * named by its ChainID (the OCI image spec's identity of a layer together with everything under it), so two images
 * that share a base share its directories. Each holds one layer alone, its whiteouts kept in overlayfs form; a
 * container's root is an overlay of its image's layer directories with a writable upper directory of its own.
 *
 * <p>A layer is unpacked into a temporary directory, its diffID checked against the image config, and only then
 * renamed into place; a directory under its ChainID is therefore always complete.
 */
public final class SnapshotStore {
    private final Path root;
    private final Path tmp;
    private final Path locks;
    private final Path empty;

    private SnapshotStore(Path root) {
        this.root = root;
        this.tmp = root.resolve(".tmp");
        this.locks = root.resolve(".locks");
        this.empty = root.resolve(".empty");
    }

    /** The snapshot store of the Berth root {@code berthRoot} ({@code berthRoot/snapshots}). */
    public static SnapshotStore open(Path berthRoot) {
        SnapshotStore store = new SnapshotStore(berthRoot.resolve("snapshots"));
        try {
            Files.createDirectories(store.tmp);
            Files.createDirectories(store.locks);
            Files.createDirectories(store.empty);
        } catch (IOException e) {
            throw new ContainerException("cannot create the snapshot store in " + store.root + ": " + e.getMessage(), e);
        }
        return store;
    }

    public Path root() {
        return root;
    }

    /** The ChainIDs of an image's layers, bottom first (OCI image spec: ChainID(n) = sha256(ChainID(n-1) + " " + DiffID(n))). */
    public static List<String> chainIds(List<String> diffIds) {
        List<String> chain = new ArrayList<>(diffIds.size());
        String previous = null;
        for (String diffId : diffIds) {
            String id = previous == null ? diffId : "sha256:" + sha256Hex(previous + " " + diffId);
            chain.add(id);
            previous = id;
        }
        return chain;
    }

    /**
     * The lower directories of {@code image}'s root filesystem, bottom layer first, unpacking (in parallel) those not
     * unpacked yet. An image without layers gets one empty directory, since an overlay needs a lower directory.
     */
    public List<Path> lowerDirectories(ImageStore images, Image image) {
        List<String> diffIds = image.config().diffIds();
        List<Descriptor> layers = image.manifest().layers();
        if (diffIds.size() != layers.size()) {
            throw new ContainerException("image " + image.id() + " is inconsistent: its config lists " + diffIds.size()
                    + " layers, its manifest " + layers.size());
        }
        if (layers.isEmpty()) {
            return List.of(empty);
        }
        List<String> chain = chainIds(diffIds);
        List<Path> lowers = new ArrayList<>(chain.size());
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            Path dir = directory(chain.get(i));
            lowers.add(dir.resolve("fs"));
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                missing.add(i);
            }
        }
        if (missing.size() == 1) {
            int i = missing.getFirst();
            unpack(images, layers.get(i), diffIds.get(i), chain.get(i));
        } else if (!missing.isEmpty()) {
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> jobs = new ArrayList<>();
                for (int i : missing) {
                    jobs.add(pool.submit(() -> unpack(images, layers.get(i), diffIds.get(i), chain.get(i))));
                }
                for (Future<?> job : jobs) {
                    job.get();
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new ContainerException("cannot unpack image " + image.id() + ": " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ContainerException("interrupted while unpacking image " + image.id(), e);
            }
        }
        return lowers;
    }

    /** Whether the layer with this ChainID is unpacked. */
    public boolean contains(String chainId) {
        return Files.isDirectory(directory(chainId), LinkOption.NOFOLLOW_LINKS);
    }

    /** The ChainIDs of every unpacked layer. */
    public List<String> list() {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!name.startsWith(".")) {
                    ids.add("sha256:" + name);
                }
            }
        } catch (IOException e) {
            throw new ContainerException("cannot list " + root + ": " + e.getMessage(), e);
        }
        return ids;
    }

    /** Removes unpacked layers no image or container needs; returns how many. */
    public int prune(Set<String> keep) {
        int removed = 0;
        for (String id : list()) {
            if (!keep.contains(id)) {
                try (FileLocks.Held ignored = FileLocks.acquire(lockFile(id), false)) {
                    Path dir = directory(id);
                    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                        Path doomed = tmp.resolve("rm-" + UUID.randomUUID());
                        Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
                        deleteTree(doomed);
                        removed++;
                    }
                } catch (IOException e) {
                    throw new ContainerException("cannot remove unpacked layer " + id + ": " + e.getMessage(), e);
                }
            }
        }
        return removed;
    }

    /**
     * Unpacks one stored layer under its ChainID (nothing to do when it is unpacked already): what a pull calls as each
     * layer arrives, so that the first container of the image starts without unpacking.
     */
    public void unpackLayer(ImageStore images, Descriptor layer, String diffId, String chainId) {
        unpack(images, layer, diffId, chainId);
    }

    private void unpack(ImageStore images, Descriptor layer, String diffId, String chainId) {
        try (FileLocks.Held ignored = FileLocks.acquire(lockFile(chainId), false)) {
            Path dir = directory(chainId);
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                return; // another container or process unpacked it while we waited
            }
            Path work = tmp.resolve(UUID.randomUUID().toString());
            Path fs = work.resolve("fs");
            try {
                Files.createDirectories(fs);
                ExtractResult result;
                try (InputStream in = images.content().open(layer.digest())) {
                    result = LayerExtractor.extract(in, fs, ExtractOptions.defaults().withSpecialFiles(true).withOverlayWhiteouts(true));
                }
                if (!result.diffId().toString().equals(diffId)) {
                    throw new ContainerException("layer " + layer.digest() + " does not match the image config: its content is "
                            + result.diffId() + ", the config says " + diffId);
                }
                Files.writeString(work.resolve("diffid"), diffId + "\n", StandardCharsets.UTF_8);
                Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | OciException | ContainerException e) {
                deleteQuietly(work);
                if (e instanceof ContainerException c) {
                    throw c;
                }
                throw new ContainerException("cannot unpack layer " + layer.digest() + ": " + e.getMessage(), e);
            }
        }
    }

    private Path directory(String chainId) {
        return root.resolve(Digest.parse(chainId).encoded());
    }

    private Path lockFile(String chainId) {
        return locks.resolve(Digest.parse(chainId).encoded() + ".lock");
    }

    private static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException ignored) {
            // best effort: a leftover in .tmp is harmless and removed by prune
        }
    }

    /** Deletes a tree without following symlinks (unpacked layers are full of them). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            // a directory made read-only by the image cannot be emptied until it is writable again
            try {
                Files.setAttribute(dir, "unix:mode", 0700, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | UnsupportedOperationException ignored) {
                // try anyway
            }
            try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
                for (Path child : children) {
                    deleteTree(child);
                }
            }
        }
        Files.deleteIfExists(dir);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
