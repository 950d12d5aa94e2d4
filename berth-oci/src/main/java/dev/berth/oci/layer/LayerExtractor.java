package dev.berth.oci.layer;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.DigestingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a layer (a tar, plain, gzip or zstd) onto a directory, treating the archive as hostile. Refused, with an
 * OciException naming the entry: names with '..' or an absolute path, symlinks whose relative target climbs out of
 * the target directory, hard links to something outside or missing, device nodes and FIFOs (unless allowed), entries
 * that would replace a directory by a non-directory or the reverse, oversized names and headers, sparse files.
 * Nothing is written outside the target: parent components are resolved with chroot semantics ({@link SafeRoot}) and
 * an existing final component is replaced, never written through. An archive refused half-way leaves the target
 * partly extracted; callers extract into a fresh directory and discard it on failure.
 *
 * <p>Whiteouts follow the OCI image spec: {@code .wh.NAME} removes NAME as lower layers left it,
 * {@code .wh..wh..opq} empties its directory of what lower layers put there while keeping what this layer adds, and
 * neither is ever materialized.
 */
public final class LayerExtractor {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final int COPY_BUFFER = 256 * 1024;
    private static final long MAX_TRAILER = 1 << 20;

    private final SafeRoot root;
    private final ExtractOptions options;
    /** Every path this layer wrote, with its ancestors: what opaque whiteouts and whiteouts must leave alone. */
    private final Set<Path> touched = new HashSet<>();
    /** Directory metadata is applied last: writing into a directory changes its mtime, a read-only one blocks it. */
    private final Map<Path, TarEntry> directories = new LinkedHashMap<>();
    private final byte[] buffer = new byte[COPY_BUFFER];
    private long entries;
    private long fileBytes;

    private LayerExtractor(Path root, ExtractOptions options) {
        this.root = new SafeRoot(root);
        this.options = options;
    }

    /** Extracts {@code layer} (compression detected from its first bytes) into the existing directory {@code target}. */
    public static ExtractResult extract(InputStream layer, Path target, ExtractOptions options) {
        Path realTarget;
        try {
            realTarget = target.toRealPath();
        } catch (IOException e) {
            throw new OciException("cannot extract into " + target + ": " + e.getMessage(), e);
        }
        if (!Files.isDirectory(realTarget, LinkOption.NOFOLLOW_LINKS)) {
            throw new OciException("cannot extract into " + target + ": not a directory");
        }
        DigestingInputStream tar = new DigestingInputStream(Compressors.decompressDetected(layer));
        return new LayerExtractor(realTarget, options).run(tar);
    }

    private ExtractResult run(DigestingInputStream tar) {
        TarReader reader = new TarReader(tar);
        String current = null;
        try {
            for (TarEntry entry = reader.next(); entry != null; entry = reader.next()) {
                current = entry.name();
                apply(entry, reader);
                entries++;
            }
            current = null;
            finishDirectories();
            drainTrailer(tar);
        } catch (IOException e) {
            throw new OciException((current == null ? "cannot extract layer" : "cannot extract entry '"
                    + TarReader.abbreviate(current) + "'") + ": " + e, e);
        }
        return new ExtractResult(entries, fileBytes, tar.digest(), tar.count());
    }

    /**
     * The diffID covers the whole stream, so what follows the end-of-archive marker (record padding, 10 KiB at most
     * from GNU tar) is read too, but not without limit: an endless tail would otherwise keep the extraction busy
     * forever.
     */
    private static void drainTrailer(DigestingInputStream tar) throws IOException {
        long drained = tar.skip(MAX_TRAILER + 1);
        if (drained > MAX_TRAILER) {
            throw new OciException("refusing layer: more than " + MAX_TRAILER
                    + " bytes follow the end-of-archive marker");
        }
    }

    private void apply(TarEntry entry, TarReader reader) throws IOException {
        String name = TarReader.abbreviate(entry.name());
        List<String> parts = LayerPaths.normalizeForReading(entry.name());
        if (parts.isEmpty()) {
            if (!entry.isDirectory()) {
                throw new OciException("refusing entry '" + name + "': a " + entry.typeName() + " cannot replace the root");
            }
            return; // "./": the target directory's own metadata is the caller's business
        }
        String fileName = parts.getLast();
        List<String> parentParts = parts.subList(0, parts.size() - 1);
        if (fileName.startsWith(WHITEOUT)) {
            whiteout(parentParts, fileName, name);
            return;
        }
        checkAllowed(entry, name);
        Path parent = root.directory(parentParts, true, name);
        if (entry.type() == TarEntry.HARD_LINK) {
            hardLink(entry, parent, fileName, name);
            return;
        }
        if (entry.type() == TarEntry.SYMLINK) {
            checkSymlinkTarget(entry.linkName(), parent, name);
        }
        Path path = replaceable(parent.resolve(fileName), entry.isDirectory(), name);
        markTouched(path);
        switch (entry.type()) {
            case TarEntry.DIRECTORY -> {
                if (SafeRoot.lstat(path) == null) {
                    Files.createDirectory(path);
                    Metadata.chmod(path, 0700);
                }
                directories.put(path, entry);
            }
            case TarEntry.SYMLINK -> {
                Files.createSymbolicLink(path, Path.of(entry.linkName()));
                Metadata.apply(path, entry, options.applyOwnership(), false);
            }
            case TarEntry.FIFO, TarEntry.CHAR_DEVICE, TarEntry.BLOCK_DEVICE -> {
                SpecialFiles.create(path, entry, options.applyOwnership());
            }
            default -> {
                writeFile(path, reader.content());
                fileBytes += entry.size();
                Metadata.apply(path, entry, options.applyOwnership(), true);
            }
        }
    }

    /** Refusals that depend only on the header, made before anything touches the disk for this entry. */
    private void checkAllowed(TarEntry entry, String name) {
        boolean special = entry.type() == TarEntry.FIFO || entry.type() == TarEntry.CHAR_DEVICE
                || entry.type() == TarEntry.BLOCK_DEVICE;
        if (special && !options.allowSpecialFiles()) {
            throw new OciException("refusing entry '" + name + "': it is a " + entry.typeName()
                    + ", and special files are not allowed in this extraction");
        }
        if ((entry.type() == TarEntry.SYMLINK || entry.type() == TarEntry.HARD_LINK) && entry.linkName().isEmpty()) {
            throw new OciException("refusing entry '" + name + "': " + entry.typeName() + " without a target");
        }
    }

    /**
     * A relative symlink target is resolved lexically from the directory the link really lands in and must stay
     * inside the target directory. Absolute targets are kept: in a root filesystem they mean the image's own
     * /usr/..., which is how SafeRoot resolves them, and base images are full of them.
     */
    private void checkSymlinkTarget(String target, Path parent, String name) {
        if (target.startsWith("/")) {
            return;
        }
        int depth = root.root().relativize(parent).toString().isEmpty() ? 0 : root.root().relativize(parent).getNameCount();
        for (String part : target.split("/")) {
            if (part.equals("..")) {
                if (--depth < 0) {
                    throw new OciException("refusing symlink '" + name + "' -> '" + TarReader.abbreviate(target)
                            + "': it points outside the target directory");
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                depth++;
            }
        }
    }

    private void hardLink(TarEntry entry, Path parent, String fileName, String name) throws IOException {
        List<String> targetParts;
        try {
            targetParts = LayerPaths.normalizeForReading(entry.linkName());
        } catch (OciException e) {
            throw new OciException("refusing hard link '" + name + "' -> '" + TarReader.abbreviate(entry.linkName())
                    + "': its target is outside the layer", e);
        }
        Path targetDir = targetParts.isEmpty() ? null
                : root.directory(targetParts.subList(0, targetParts.size() - 1), false, name);
        Path target = targetDir == null ? null : targetDir.resolve(targetParts.getLast());
        BasicFileAttributes attributes = target == null ? null : SafeRoot.lstat(target);
        if (attributes == null || attributes.isDirectory()) {
            throw new OciException("refusing hard link '" + name + "' -> '" + TarReader.abbreviate(entry.linkName())
                    + "': " + (attributes == null ? "the target does not exist" : "the target is a directory"));
        }
        Path path = parent.resolve(fileName);
        if (path.equals(target)) {
            return; // a link to itself: nothing to do, and replacing it would delete the file
        }
        replaceable(path, false, name);
        Files.createLink(path, target);
        markTouched(path);
    }

    /**
     * Clears the way for an entry: a non-directory there is removed (a symlink is removed, not followed); an existing
     * directory stays if the entry is a directory too. Other collisions are refused rather than guessed at.
     */
    private Path replaceable(Path path, boolean directory, String name) throws IOException {
        BasicFileAttributes existing = SafeRoot.lstat(path);
        if (existing == null) {
            return path;
        }
        if (existing.isDirectory() != directory) {
            throw new OciException("refusing entry '" + name + "': " + (directory
                    ? "it is a directory but a non-directory is already there"
                    : "it is not a directory but a directory is already there"));
        }
        if (!directory) {
            Files.delete(path);
        }
        return path;
    }

    private void writeFile(Path path, InputStream content) throws IOException {
        // CREATE_NEW fails on anything already there, a dangling symlink included, so nothing is written through.
        try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            int n;
            while ((n = content.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        }
    }

    private void whiteout(List<String> parentParts, String fileName, String name) throws IOException {
        if (fileName.equals(OPAQUE)) {
            Path dir = root.directory(parentParts, true, name);
            markTouched(dir);
            if (options.overlayWhiteouts()) {
                OverlayWhiteouts.opaque(dir); // the directory holds only this layer's entries: nothing to clear
            } else {
                clearLower(dir);
            }
            return;
        }
        String hidden = fileName.substring(WHITEOUT.length());
        if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
            throw new OciException("refusing whiteout '" + name + "': it names no file");
        }
        if (hidden.startsWith(WHITEOUT)) {
            return; // other .wh..wh.* names are aufs bookkeeping, meaningless here
        }
        if (options.overlayWhiteouts()) {
            Path dir = root.directory(parentParts, true, name);
            Path path = dir.resolve(hidden);
            if (!touched.contains(path) && SafeRoot.lstat(path) == null) {
                OverlayWhiteouts.whiteout(path);
            }
            return;
        }
        Path dir = root.directory(parentParts, false, name);
        if (dir == null) {
            return; // nothing below to hide
        }
        Path path = dir.resolve(hidden);
        if (!touched.contains(path)) { // a whiteout hides lower layers only, never this layer's own files
            SafeRoot.deleteRecursively(path);
        }
    }

    /** Opaque directory: remove everything under dir that this layer did not write. */
    private void clearLower(Path dir) throws IOException {
        List<Path> children;
        try (var list = Files.list(dir)) {
            children = list.toList();
        }
        for (Path child : children) {
            if (!touched.contains(child)) {
                SafeRoot.deleteRecursively(child);
            } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                clearLower(child);
            }
        }
    }

    private void markTouched(Path path) {
        for (Path p = path; p != null && !p.equals(root.root()) && touched.add(p); p = p.getParent()) {
            // ancestors up to the root; stops early once a known path is reached
        }
    }

    /** Deepest first, so setting a directory's mtime is not undone by touching its subdirectories. */
    private void finishDirectories() throws IOException {
        List<Map.Entry<Path, TarEntry>> ordered = new ArrayList<>(directories.entrySet());
        ordered.sort(Comparator.comparingInt((Map.Entry<Path, TarEntry> e) -> e.getKey().getNameCount()).reversed());
        for (Map.Entry<Path, TarEntry> e : ordered) {
            BasicFileAttributes attributes = SafeRoot.lstat(e.getKey());
            if (attributes != null && attributes.isDirectory()) {
                Metadata.apply(e.getKey(), e.getValue(), options.applyOwnership(), true);
            }
        }
    }
}
