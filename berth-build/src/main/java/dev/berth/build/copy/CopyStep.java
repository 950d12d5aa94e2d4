package dev.berth.build.copy;

import dev.berth.build.BuildException;
import dev.berth.build.context.FileHashCache;
import dev.berth.build.dockerfile.FileMode;
import dev.berth.build.dockerfile.Instruction;
import dev.berth.oci.OciException;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.layer.LayerTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One COPY or ADD, in two phases, with Docker's (BuildKit's) semantics:
 *
 * <ol>
 *   <li>{@link #prepare} finds and hashes the sources, without looking at the destination: {@link #sourceDigest()}
 *       then goes into the step's cache key;</li>
 *   <li>on a cache miss, {@link #apply} writes exactly what the step adds into an empty output directory, which
 *       becomes the layer ({@link CopyResult#entries()}).</li>
 * </ol>
 *
 * <p>Sources: paths relative to the source root (a leading '/' too), resolved inside it with symlinks followed with
 * chroot semantics (a top-level source that is a symlink copies what it points to, under the link's name; symlinks
 * inside a copied directory stay symlinks); Go {@code filepath.Match} wildcards (a wildcard matching nothing copies
 * nothing, as in BuildKit); a directory copies its contents; .dockerignore and --exclude leave files out; ADD extracts
 * local tar archives (plain, gzip, bzip2, xz, zstd; recognized by content) and downloads http(s) URLs (mode 0600,
 * --checksum verified).
 *
 * <p>Destination: relative to WORKDIR; a file goes inside it when it ends with '/' (or is "." or "..") or exists as a
 * directory, else becomes it; several sources need the trailing '/'. Missing directories are created 0755 and owned by
 * the --chown owner (root without). Owners: context files and downloads become root's (or --chown's); {@code --from}
 * files keep theirs unless --chown. Modes are kept (or --chmod); heredoc files are 0644.
 *
 * <p>Bad input is a {@link BuildException} naming the source and the instruction's position; {@link #apply} then
 * leaves the output directory empty. Not thread-safe; {@link #close()} deletes downloads.
 */
public final class CopyStep implements AutoCloseable {
    private final CopyRequest request;
    private final List<PlannedItem> items;
    private final ChownSpec chown;
    private final List<String> destination;
    private final boolean directorySyntax;
    private final Map<String, UrlFetcher.Download> downloads = new LinkedHashMap<>();
    private final UrlFetcher fetcher = new UrlFetcher();
    private Path downloadDirectory;
    private final String digest;

    private CopyStep(CopyRequest request, List<PlannedItem> items, ChownSpec chown, List<String> destination,
                     boolean directorySyntax) {
        this.request = request;
        this.items = items;
        this.chown = chown;
        this.destination = destination;
        this.directorySyntax = directorySyntax;
        boolean ok = false;
        try {
            for (PlannedItem item : items) {
                if (item instanceof PlannedItem.Remote remote && remote.expected() == null) {
                    download(remote);
                }
            }
            this.digest = computeDigest();
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    /**
     * Finds, checks and hashes the sources of {@code request}. Downloads URLs without a --checksum (their content is
     * part of the cache key). {@code hashes} is shared by the whole build (and may be persistent).
     */
    public static CopyStep prepare(CopyRequest request, FileHashCache hashes) {
        Instruction.CopySpec spec = request.spec();
        ChownSpec chown;
        try {
            chown = spec.chown() == null ? null : ChownSpec.parse(spec.chown());
        } catch (BuildException e) {
            throw request.failure(e.getMessage());
        }
        FileMode chmod = spec.chmod() == null ? null : FileMode.parse(spec.chmod(), request.keyword(), request.position());
        String dest = spec.destination();
        if (dest == null || dest.isEmpty()) {
            throw request.failure("no destination given");
        }
        if (!request.workdir().startsWith("/")) {
            throw request.failure("WORKDIR '" + request.workdir() + "' is not absolute");
        }
        boolean directorySyntax = dest.endsWith("/") || dest.equals(".") || dest.equals("..") || dest.endsWith("/.")
                || dest.endsWith("/..");
        String absolute = dest.startsWith("/") ? dest : request.workdir() + "/" + dest;
        List<PlannedItem> items;
        try {
            items = new SourcePlanner(request, hashes, chmod).plan();
        } catch (BuildException e) {
            throw e.getMessage().startsWith(request.keyword() + " failed") ? e : request.failure(e.getMessage(), e);
        }
        for (PlannedItem item : items) {
            if (item instanceof PlannedItem.Remote remote && remote.fileName().isEmpty() && directorySyntax) {
                throw request.failure("cannot tell a file name for " + remote.url()
                        + "; give the destination a file name");
            }
        }
        int written = spec.sources().size() + spec.heredocs().size();
        if ((written > 1 || items.size() > 1) && !directorySyntax) {
            throw request.failure("with more than one source file the destination must be a directory ending in '/': "
                    + dest);
        }
        return new CopyStep(request, List.copyOf(items), chown, DestinationWriter.components(absolute), directorySyntax);
    }

    /**
     * "sha256:…" over what the step will write, independent of the destination: every matched file's path, type,
     * mode (after --chmod), owner (the --chown text, or the source owner for --from), symlink target and content
     * digest, the destination and the flags. Never mtimes, never the host's owners of context files.
     */
    public String sourceDigest() {
        return digest;
    }

    /** The URLs this step downloads, with their digests (the --checksum value when one was given). */
    public List<RemoteFile> remoteFiles() {
        List<RemoteFile> files = new ArrayList<>();
        for (PlannedItem item : items) {
            if (item instanceof PlannedItem.Remote remote) {
                files.add(new RemoteFile(remote.url(), remote.expected() != null ? remote.expected()
                        : downloads.get(remote.url()).digest()));
            }
        }
        return files;
    }

    /**
     * Writes what the step adds into {@code output}, an existing empty directory, and returns its layer entries.
     *
     * @param destinationRoot the stage's current root filesystem, only read: names for --chown come from its
     *     /etc/passwd and /etc/group, whether the destination is a directory and which symlinks redirect it are
     *     decided there. Null for an empty filesystem (FROM scratch, --link).
     */
    public CopyResult apply(Path destinationRoot, Path output) {
        Path out;
        try {
            out = output.toRealPath();
            if (!Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
                throw new BuildException("the layer directory " + output + " is not a directory");
            }
            try (DirectoryStream<Path> children = Files.newDirectoryStream(out)) {
                if (children.iterator().hasNext()) {
                    throw new BuildException("the layer directory " + output + " is not empty");
                }
            }
        } catch (IOException e) {
            throw new BuildException("cannot use " + output + " as the layer directory: " + e.getMessage(), e);
        }
        boolean ok = false;
        try {
            Path rootfs = destinationRoot == null ? null : destinationRoot.toRealPath();
            ChownSpec.Owner owner = chown == null ? null : chown.resolve(rootfs);
            Map<String, Path> files = new LinkedHashMap<>();
            for (PlannedItem item : items) {
                if (item instanceof PlannedItem.Remote remote) {
                    UrlFetcher.Download download = downloads.containsKey(remote.url()) ? downloads.get(remote.url())
                            : download(remote);
                    files.put(remote.url(), download.file());
                }
            }
            DestinationWriter writer = new DestinationWriter(request, rootfs, out, owner);
            writer.write(items, destination, directorySyntax, files);
            CopyResult result = new CopyResult(entries(out), writer.files(), writer.bytes());
            ok = true;
            return result;
        } catch (BuildException e) {
            throw e.getMessage().startsWith(request.keyword() + " failed") ? e : request.failure(e.getMessage(), e);
        } catch (IOException | OciException e) {
            throw request.failure(e.getMessage(), e);
        } finally {
            if (!ok) {
                emptyDirectory(out);
            }
        }
    }

    /** Deletes the downloads. */
    @Override
    public void close() {
        if (downloadDirectory != null) {
            deleteTree(downloadDirectory);
            downloadDirectory = null;
        }
    }

    private UrlFetcher.Download download(PlannedItem.Remote remote) {
        try {
            if (downloadDirectory == null) {
                downloadDirectory = Files.createTempDirectory("berth-add-");
            }
            Path file = downloadDirectory.resolve("download-" + downloads.size());
            UrlFetcher.Download download = fetcher.fetch(remote.url(), file);
            if (remote.expected() != null && !remote.expected().equals(download.digest())) {
                throw request.failure("checksum mismatch for " + remote.url() + ": expected " + remote.expected()
                        + ", got " + download.digest());
            }
            downloads.put(remote.url(), download);
            return download;
        } catch (IOException e) {
            throw request.failure("cannot download " + remote.url() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw request.failure("interrupted while downloading " + remote.url(), e);
        }
    }

    private String computeDigest() {
        MessageDigest sha = DestinationWriter.sha256();
        Instruction.CopySpec spec = request.spec();
        boolean context = request.source() instanceof CopySource.Context;
        field(sha, "berth copy v1");
        field(sha, request.keyword());
        field(sha, "/" + String.join("/", destination) + (directorySyntax ? "/" : ""));
        field(sha, spec.chown() == null ? "-" : spec.chown());
        field(sha, spec.chmod() == null ? "-" : spec.chmod());
        field(sha, Boolean.toString(spec.parents()));
        field(sha, String.join("\n", spec.excludes()));
        field(sha, context ? "context" : "filesystem");
        field(sha, Boolean.toString(request.normalizeModes()));
        for (PlannedItem item : items) {
            switch (item) {
                case PlannedItem.Local local -> {
                    field(sha, "local");
                    field(sha, local.name());
                    field(sha, local.parentsPath() == null ? "-" : local.parentsPath());
                    for (PlannedItem.Node dir : local.parentDirs()) {
                        node(sha, dir, context);
                    }
                    field(sha, "nodes");
                    for (PlannedItem.Node node : local.nodes()) {
                        node(sha, node, context);
                    }
                }
                case PlannedItem.Archive archive -> {
                    field(sha, "archive");
                    field(sha, archive.sha256());
                }
                case PlannedItem.Remote remote -> {
                    field(sha, "url");
                    field(sha, remote.url());
                    field(sha, remote.fileName());
                    field(sha, remote.expected() != null ? remote.expected() : downloads.get(remote.url()).digest());
                }
                case PlannedItem.Heredoc heredoc -> {
                    field(sha, "heredoc");
                    field(sha, heredoc.name());
                    field(sha, Integer.toOctalString(heredoc.mode()));
                    MessageDigest content = DestinationWriter.sha256();
                    field(sha, HexFormat.of().formatHex(content.digest(heredoc.content())));
                }
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static void node(MessageDigest sha, PlannedItem.Node node, boolean context) {
        field(sha, node.relative());
        field(sha, node.type().name());
        field(sha, Integer.toOctalString(node.mode()));
        // Context files are written as root's (or --chown's, which is in the key already): their host owner is noise.
        field(sha, context ? "-" : node.uid() + ":" + node.gid());
        field(sha, node.linkTarget() != null ? node.linkTarget() : node.sha256() != null ? node.sha256() : "-");
        field(sha, node.hardLinkTo() == null ? "-" : node.hardLinkTo());
    }

    /** Length-prefixed, so no two different field lists hash alike. */
    private static void field(MessageDigest sha, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        sha.update(bytes);
    }

    /** The output's entries with the owners written on disk (LayerTree stamps one owner, so they are put back). */
    private static List<LayerEntry> entries(Path output) throws IOException {
        List<LayerEntry> scanned = LayerTree.scan(output, 0, 0);
        List<LayerEntry> entries = new ArrayList<>(scanned.size());
        for (LayerEntry entry : scanned) {
            Map<String, Object> owner = Files.readAttributes(output.resolve(entry.path()), "unix:uid,gid",
                    LinkOption.NOFOLLOW_LINKS);
            entries.add(entry.withOwner(((Number) owner.get("uid")).longValue() & 0xFFFF_FFFFL,
                    ((Number) owner.get("gid")).longValue() & 0xFFFF_FFFFL));
        }
        return entries;
    }

    private static void emptyDirectory(Path directory) {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
            for (Path child : children) {
                deleteTree(child);
            }
        } catch (IOException e) {
            // best effort: the directory is the engine's to remove
        }
    }

    private static void deleteTree(Path path) {
        try {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort cleanup
        }
    }
}
