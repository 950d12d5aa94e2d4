package dev.berth.build.copy;

import dev.berth.build.BuildException;
import dev.berth.build.dockerfile.FileMode;
import dev.berth.oci.OciException;
import dev.berth.oci.layer.ContainedPath;
import dev.berth.oci.layer.ExtractOptions;
import dev.berth.oci.layer.LayerExtractor;
import dev.berth.oci.layer.TarEntry;
import dev.berth.oci.layer.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Writes planned items into the output directory as they would land in the destination filesystem, which it reads but
 * never writes. Paths are resolved in the merged view "output over destination": a symlink in either is followed by
 * reading it, with chroot semantics, so a link can redirect where a file lands (as it does in Docker) but never out of
 * the output directory. Existing directories on the way are recreated in the output with their metadata from the
 * destination, so the layer does not change them; new ones get mode 0755 and the --chown owner (root without).
 */
final class DestinationWriter {
    private static final int MAX_SYMLINKS = 40;
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;

    enum Kind { MISSING, DIRECTORY, FILE, SYMLINK }

    /** What is at a path in the merged view. */
    private record Found(Kind kind, boolean inOutput, Map<String, Object> attributes, String linkTarget) {
        static final Found MISSING = new Found(Kind.MISSING, false, null, null);
    }

    private final CopyRequest request;
    private final Path rootfs;
    private final Path output;
    /** The --chown owner, or null. */
    private final ChownSpec.Owner chown;
    /** Owners of --from sources are kept (without --chown); context files become root's. */
    private final boolean keepSourceOwners;
    private final Map<String, Boolean> rootfsDirectories = new HashMap<>();
    private long files;
    private long bytes;

    DestinationWriter(CopyRequest request, Path rootfs, Path output, ChownSpec.Owner chown) {
        this.request = request;
        this.rootfs = rootfs;
        this.output = output;
        this.chown = chown;
        this.keepSourceOwners = request.source() instanceof CopySource.Filesystem && chown == null;
    }

    long files() {
        return files;
    }

    long bytes() {
        return bytes;
    }

    // ---- placing items

    void write(List<PlannedItem> items, List<String> destination, boolean directorySyntax, Map<String, Path> downloads)
            throws IOException {
        for (PlannedItem item : items) {
            switch (item) {
                case PlannedItem.Local local when local.parentsPath() != null -> writeWithParents(local, destination);
                case PlannedItem.Local local when local.top().type() == PlannedItem.Type.DIRECTORY -> {
                    List<String> target = resolveFollowing(destination);
                    ensureDirectory(target);
                    writeChildren(local, target);
                }
                case PlannedItem.Local local -> {
                    List<String> target = fileTarget(destination, directorySyntax, local.name(), local.written());
                    writeNode(target, local.top(), new HashMap<>());
                }
                case PlannedItem.Archive archive -> {
                    List<String> target = resolveFollowing(destination);
                    ensureDirectory(target);
                    extract(archive, target);
                }
                case PlannedItem.Remote remote -> {
                    List<String> target = fileTarget(destination, directorySyntax, remote.fileName(), remote.url());
                    Path file = downloads.get(remote.url());
                    writeBytesFile(target, file, null, request.spec().chmod() == null ? 0600
                            : FileMode.parse(request.spec().chmod(), request.keyword(), request.position()).apply(0600, false));
                }
                case PlannedItem.Heredoc heredoc -> {
                    List<String> target = fileTarget(destination, directorySyntax, heredoc.name(), "<<" + heredoc.name());
                    writeBytesFile(target, null, heredoc.content(), heredoc.mode());
                }
            }
        }
    }

    /** Where a single file goes: inside the destination if it is written as or exists as a directory, else onto it. */
    private List<String> fileTarget(List<String> destination, boolean directorySyntax, String name, String source)
            throws IOException {
        List<String> resolved = resolveFollowing(destination);
        if (directorySyntax || lookup(resolved).kind() == Kind.DIRECTORY) {
            if (name.isEmpty()) {
                throw request.failure("cannot tell a file name for " + source + "; give the destination a file name");
            }
            ensureDirectory(resolved);
            List<String> target = new ArrayList<>(resolved);
            target.add(name);
            return target;
        }
        if (resolved.isEmpty()) {
            throw request.failure("cannot write " + source + " onto /");
        }
        ensureDirectory(resolved.subList(0, resolved.size() - 1));
        return resolved;
    }

    private void writeChildren(PlannedItem.Local local, List<String> target) throws IOException {
        Map<String, Path> written = new HashMap<>();
        for (PlannedItem.Node node : local.nodes().subList(1, local.nodes().size())) {
            List<String> path = new ArrayList<>(target);
            path.addAll(List.of(node.relative().split("/")));
            writeNode(path, node, written);
        }
    }

    private void writeWithParents(PlannedItem.Local local, List<String> destination) throws IOException {
        List<String> base = resolveFollowing(destination);
        ensureDirectory(base);
        for (PlannedItem.Node dir : local.parentDirs()) {
            List<String> path = new ArrayList<>(base);
            path.addAll(List.of(dir.relative().split("/")));
            if (lookup(path).kind() == Kind.MISSING) {
                writeNode(path, dir, new HashMap<>());
            }
        }
        List<String> target = new ArrayList<>(base);
        if (!local.parentsPath().isEmpty()) {
            target.addAll(List.of(local.parentsPath().split("/")));
            ensureDirectory(target.subList(0, target.size() - 1));
            writeNode(target, local.top(), new HashMap<>());
        }
        writeChildren(local, target);
    }

    // ---- single nodes

    private void writeNode(List<String> path, PlannedItem.Node node, Map<String, Path> written) throws IOException {
        Found existing = lookup(path);
        Path out = outputPath(path);
        String shown = "/" + String.join("/", path);
        ChownSpec.Owner owner = chown != null ? chown
                : keepSourceOwners ? new ChownSpec.Owner(node.uid(), node.gid()) : ChownSpec.Owner.ROOT;
        if (node.type() == PlannedItem.Type.DIRECTORY) {
            if (existing.kind() == Kind.FILE || existing.kind() == Kind.SYMLINK) {
                throw request.failure("cannot copy directory " + describe(node) + " to " + shown
                        + ": a non-directory is there");
            }
            if (!(existing.kind() == Kind.DIRECTORY && existing.inOutput())) {
                Files.createDirectory(out);
            }
            chown(out, owner);
            Files.setAttribute(out, "unix:mode", node.mode(), LinkOption.NOFOLLOW_LINKS);
            return;
        }
        if (existing.kind() == Kind.DIRECTORY) {
            throw request.failure("cannot replace directory " + shown + " with a file");
        }
        if (existing.inOutput()) {
            Files.delete(out); // a later source wins over an earlier one of the same instruction
        }
        if (node.type() == PlannedItem.Type.SYMLINK) {
            Files.createSymbolicLink(out, Path.of(node.linkTarget()));
            chown(out, owner);
            return;
        }
        Path first = node.hardLinkTo() == null ? null : written.get(node.hardLinkTo());
        if (first != null) {
            Files.createLink(out, first); // shares the inode, hence mode and owner, with the first name
            return;
        }
        copyVerified(node.path(), out, node.sha256(), describe(node));
        chown(out, owner);
        Files.setAttribute(out, "unix:mode", node.mode(), LinkOption.NOFOLLOW_LINKS);
        written.put(node.relative(), out);
    }

    private static String describe(PlannedItem.Node node) {
        return node.path().toString();
    }

    private void writeBytesFile(List<String> path, Path file, byte[] content, int mode) throws IOException {
        Found existing = lookup(path);
        String shown = "/" + String.join("/", path);
        if (existing.kind() == Kind.DIRECTORY) {
            throw request.failure("cannot replace directory " + shown + " with a file");
        }
        Path out = outputPath(path);
        if (existing.inOutput()) {
            Files.delete(out);
        }
        if (file != null) {
            copyVerified(file, out, null, file.toString());
        } else {
            Files.write(out, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            files++;
            bytes += content.length;
        }
        chown(out, chown != null ? chown : ChownSpec.Owner.ROOT);
        Files.setAttribute(out, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
    }

    /** Copies content, checking it is still what was hashed when the step's cache key was computed. */
    private void copyVerified(Path source, Path target, String expectedSha256, String shown) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[256 * 1024];
        try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
             OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                     LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                out.write(buffer, 0, n);
                bytes += n;
            }
        }
        files++;
        if (expectedSha256 != null && !HexFormat.of().formatHex(sha.digest()).equals(expectedSha256)) {
            throw request.failure(shown + " changed while the build was reading it; run the build again");
        }
    }

    private void extract(PlannedItem.Archive archive, List<String> target) throws IOException {
        Path dir = outputPath(target);
        try (InputStream tar = Archives.open(archive.path())) {
            LayerExtractor.extract(tar, dir, new ExtractOptions(false, true));
        } catch (OciException e) {
            throw request.failure("cannot extract " + archive.written() + ": " + e.getMessage(), e);
        }
        files++;
        bytes += Files.size(archive.path());
        if (chown != null) {
            // --chown overrides the archive's owners (BuildKit does the same); directories the archive only implies
            // keep root, as there.
            try (InputStream tar = Archives.open(archive.path())) {
                TarReader reader = new TarReader(tar);
                Path top = dir.toRealPath();
                for (TarEntry entry = reader.next(); entry != null; entry = reader.next()) {
                    Path path = ContainedPath.resolve(dir, entry.name());
                    if (path != null && !path.equals(top) && Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                        chown(path, chown);
                    }
                }
            }
        }
    }

    // ---- directories

    /**
     * Makes every directory of {@code path} (resolved, so no symlinks on it) exist in the output: copied from the
     * destination filesystem's metadata where it exists there, else new (0755, --chown owner or root).
     */
    void ensureDirectory(List<String> path) throws IOException {
        for (int i = 1; i <= path.size(); i++) {
            List<String> prefix = path.subList(0, i);
            Found found = lookup(prefix);
            Path out = outputPath(prefix);
            String shown = "/" + String.join("/", prefix);
            switch (found.kind()) {
                case DIRECTORY -> {
                    if (!found.inOutput()) {
                        Files.createDirectory(out);
                        Map<String, Object> a = found.attributes();
                        chown(out, new ChownSpec.Owner(((Number) a.get("uid")).longValue(), ((Number) a.get("gid")).longValue()));
                        Files.setAttribute(out, "unix:mode", (Integer) a.get("mode") & 07777, LinkOption.NOFOLLOW_LINKS);
                    }
                }
                case MISSING -> {
                    Files.createDirectory(out);
                    chown(out, chown != null ? chown : ChownSpec.Owner.ROOT);
                    Files.setAttribute(out, "unix:mode", 0755, LinkOption.NOFOLLOW_LINKS);
                }
                default -> throw request.failure("cannot create directory " + shown + ": a file is there");
            }
        }
    }

    // ---- the merged view

    /**
     * Resolves an absolute path (components) following every symlink, the last one included, in the merged view;
     * once a component is missing the rest is taken as written.
     */
    List<String> resolveFollowing(List<String> components) throws IOException {
        Deque<String> todo = new ArrayDeque<>(components);
        List<String> resolved = new ArrayList<>();
        int links = 0;
        boolean missing = false;
        while (!todo.isEmpty()) {
            String part = todo.removeFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.removeLast();
                }
                continue;
            }
            resolved.add(part);
            if (missing) {
                continue;
            }
            Found found = lookup(resolved);
            if (found.kind() == Kind.MISSING) {
                missing = true;
            } else if (found.kind() == Kind.SYMLINK) {
                if (++links > MAX_SYMLINKS) {
                    throw request.failure("too many levels of symbolic links in the destination /"
                            + String.join("/", components));
                }
                resolved.removeLast();
                String target = found.linkTarget();
                if (target.startsWith("/")) {
                    resolved.clear();
                }
                String[] parts = target.split("/");
                for (int i = parts.length - 1; i >= 0; i--) {
                    todo.addFirst(parts[i]);
                }
            } else if (found.kind() == Kind.FILE && !todo.isEmpty()) {
                throw request.failure("cannot copy to /" + String.join("/", components) + ": /"
                        + String.join("/", resolved) + " is a file, not a directory");
            }
        }
        return resolved;
    }

    /** What is at a resolved path: the output's entry if it has one, else the destination filesystem's. */
    private Found lookup(List<String> path) throws IOException {
        if (path.isEmpty()) {
            return new Found(Kind.DIRECTORY, true, null, null);
        }
        Found inOutput = lstat(outputPath(path), true);
        if (inOutput.kind() != Kind.MISSING || rootfs == null) {
            return inOutput;
        }
        // Consult the destination only through real directories, so no link of its own is ever followed by the OS.
        for (int i = 1; i < path.size(); i++) {
            List<String> prefix = path.subList(0, i);
            String key = String.join("/", prefix);
            Boolean directory = rootfsDirectories.get(key);
            if (directory == null) {
                directory = lstat(rootfs.resolve(key), false).kind() == Kind.DIRECTORY;
                rootfsDirectories.put(key, directory);
            }
            if (!directory) {
                return Found.MISSING;
            }
        }
        return lstat(rootfs.resolve(String.join("/", path)), false);
    }

    private static Found lstat(Path path, boolean inOutput) throws IOException {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(path, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Found.MISSING;
        } catch (java.nio.file.FileSystemException e) {
            if (e.getMessage() != null && e.getMessage().contains("Not a directory")) {
                return Found.MISSING;
            }
            throw e;
        }
        int type = (Integer) attributes.get("mode") & S_IFMT;
        return switch (type) {
            case S_IFDIR -> new Found(Kind.DIRECTORY, inOutput, attributes, null);
            case S_IFLNK -> new Found(Kind.SYMLINK, inOutput, attributes, Files.readSymbolicLink(path).toString());
            default -> new Found(Kind.FILE, inOutput, attributes, null);
        };
    }

    /** The output path of a resolved path; resolution keeps it below the output, which this checks once more. */
    private Path outputPath(List<String> path) {
        Path out = path.isEmpty() ? output : output.resolve(String.join("/", path)).normalize();
        if (!out.startsWith(output)) {
            throw new BuildException("refusing to write outside the layer directory: /" + String.join("/", path));
        }
        return out;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void chown(Path path, ChownSpec.Owner owner) throws IOException {
        Files.setAttribute(path, "unix:uid", (int) owner.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", (int) owner.gid(), LinkOption.NOFOLLOW_LINKS);
    }

    /** Parses an absolute destination into components ('..' stops at '/'). */
    static List<String> components(String absolute) {
        Deque<String> stack = new ArrayDeque<>();
        for (String part : absolute.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!stack.isEmpty()) {
                    stack.removeLast();
                }
                continue;
            }
            stack.addLast(part);
        }
        return List.copyOf(stack);
    }
}
