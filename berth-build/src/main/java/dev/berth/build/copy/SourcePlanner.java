package dev.berth.build.copy;

import dev.berth.build.BuildException;
import dev.berth.build.context.BuildContext;
import dev.berth.build.context.DockerIgnore;
import dev.berth.build.context.FileHashCache;
import dev.berth.build.dockerfile.FileMode;
import dev.berth.build.dockerfile.Instruction;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the sources of one COPY/ADD into {@link PlannedItem}s: cleans each path, resolves it inside the source root
 * (symlinks followed with chroot semantics, so nothing outside is ever reached), expands wildcards, walks directories
 * and leaves out what .dockerignore and --exclude say, hashing every file it keeps.
 */
final class SourcePlanner {
    private static final String ATTRIBUTES = "unix:mode,uid,gid,dev,ino,size,nlink,lastModifiedTime,ctime";
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFSOCK = 0140000;
    private static final int MAX_SYMLINKS = 40;

    private final CopyRequest request;
    private final FileHashCache hashes;
    private final Path root;
    /** Null when reading from a --from filesystem. */
    private final BuildContext context;
    /** Null without --exclude. */
    private final DockerIgnore excludes;
    /** Null without --chmod. */
    private final FileMode chmod;

    SourcePlanner(CopyRequest request, FileHashCache hashes, FileMode chmod) {
        this.request = request;
        this.hashes = hashes;
        this.chmod = chmod;
        switch (request.source()) {
            case CopySource.Context c -> {
                this.context = c.context();
                this.root = c.context().root();
            }
            case CopySource.Filesystem f -> {
                this.context = null;
                try {
                    this.root = f.root().toRealPath();
                } catch (IOException e) {
                    throw request.failure("cannot read " + f.name() + ": " + e.getMessage(), e);
                }
            }
        }
        Instruction.CopySpec spec = request.spec();
        this.excludes = spec.excludes().isEmpty() ? null
                : DockerIgnore.parse("--exclude", String.join("\n", spec.excludes()));
    }

    List<PlannedItem> plan() {
        Instruction.CopySpec spec = request.spec();
        if (request.checksum() != null && (spec.sources().size() != 1 || !isUrl(spec.sources().getFirst()))) {
            throw request.failure("--checksum applies to a single http(s) URL source, not to "
                    + String.join(" ", spec.sources()));
        }
        List<PlannedItem> items = new ArrayList<>();
        for (String source : spec.sources()) {
            if (isUrl(source)) {
                items.add(remote(source));
            } else {
                items.addAll(local(source));
            }
        }
        for (Instruction.Heredoc heredoc : spec.heredocs()) {
            int mode = chmod == null ? 0644 : chmod.apply(0644, false);
            items.add(new PlannedItem.Heredoc(heredoc.name(), heredoc.content().getBytes(StandardCharsets.UTF_8), mode));
        }
        return items;
    }

    // ---- URLs

    private static boolean isUrl(String source) {
        return source.contains("://") || source.startsWith("git@");
    }

    private PlannedItem remote(String source) {
        if (!request.add()) {
            throw request.failure("COPY cannot read URLs (" + source + "); use ADD to download a file");
        }
        if (source.startsWith("git@")) {
            throw request.failure("git sources are not supported yet: " + source);
        }
        String scheme = source.substring(0, source.indexOf("://")).toLowerCase(Locale.ROOT);
        URI uri;
        try {
            uri = new URI(source);
        } catch (URISyntaxException e) {
            throw request.failure("'" + source + "' is not a valid URL: " + e.getReason());
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        boolean git = scheme.equals("git") || scheme.equals("ssh") || path.endsWith(".git") || path.endsWith(".git/");
        if (git) {
            throw request.failure("git sources are not supported yet: " + source);
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw request.failure("unsupported URL scheme '" + scheme + "' in " + source
                    + ": ADD downloads http and https URLs");
        }
        String fileName = URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
        String expected = request.checksum() != null ? request.checksum() : request.pinnedDigests().get(source);
        if (expected != null && !expected.matches("sha256:[0-9a-f]{64}")) {
            throw request.failure("invalid --checksum '" + expected + "': expected sha256: and 64 lower-case hex digits");
        }
        return new PlannedItem.Remote(source, fileName, expected);
    }

    // ---- local sources

    private List<PlannedItem> local(String source) {
        List<String> pivotParts = List.of();
        String text = source;
        if (request.spec().parents()) {
            String trimmed = stripLeadingDotSlash(text);
            int pivot = trimmed.indexOf("/./");
            if (pivot >= 0) {
                pivotParts = clean(source, trimmed.substring(0, pivot));
                text = trimmed.substring(0, pivot) + "/" + trimmed.substring(pivot + 3);
            }
        }
        List<String> parts = clean(source, text);
        int wildcard = -1;
        for (int i = 0; i < parts.size(); i++) {
            if (GoGlob.hasWildcard(parts.get(i))) {
                wildcard = i;
                break;
            }
        }
        List<PlannedItem> items = new ArrayList<>();
        if (wildcard < 0) {
            if (parts.isEmpty() || !excludedByFlag(parts.getLast())) {
                items.add(item(source, parts, pivotParts));
            }
            return items;
        }
        List<String> base = parts.subList(0, wildcard);
        GoGlob glob = GoGlob.compile(String.join("/", parts.subList(wildcard, parts.size())), request.spec().parents());
        Resolved baseDir = resolve(base);
        if (baseDir == null || !baseDir.directory()) {
            return items; // no match: allowed for wildcards, as BuildKit allows it
        }
        List<List<String>> matches = new ArrayList<>();
        collectMatches(baseDir.path(), baseDir.relative(), new ArrayList<>(), glob, matches);
        for (List<String> match : matches) {
            if (excludedByFlag(String.join("/", match))) {
                continue;
            }
            List<String> written = new ArrayList<>(base);
            written.addAll(match);
            items.add(item(source, written, pivotParts));
        }
        return items;
    }

    private static String stripLeadingDotSlash(String text) {
        String t = text;
        while (t.startsWith("./")) {
            t = t.substring(2);
        }
        return t;
    }

    /**
     * The path's components relative to the source root: a leading '/' and './' mean the root, trailing slashes are
     * ignored, '..' is resolved; climbing above the root is refused for the build context.
     */
    private List<String> clean(String source, String path) {
        Deque<String> stack = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (stack.isEmpty()) {
                    if (context != null) {
                        throw request.failure("'" + source + "' is outside the build context: sources are paths inside "
                                + context.root());
                    }
                    continue; // a root filesystem's '..' at '/' is '/' again
                }
                stack.removeLast();
                continue;
            }
            stack.addLast(part);
        }
        return List.copyOf(stack);
    }

    private boolean excludedByFlag(String relative) {
        return excludes != null && excludes.excludes(relative);
    }

    private boolean ignored(String relativeToRoot) {
        return context != null && !relativeToRoot.isEmpty() && context.excludes(relativeToRoot);
    }

    /**
     * Whether a path is in the context as BuildKit transfers it: not ignored, or a directory an exception still
     * brings files from (it then exists, holding only those).
     */
    private boolean visible(String relativeToRoot, boolean directory) {
        return !ignored(relativeToRoot) || (directory && context.mayIncludeBelow(relativeToRoot));
    }

    /** Walks below {@code dir} in name order without following symlinks; a matching directory is not entered. */
    private void collectMatches(Path dir, String dirRelative, List<String> prefix, GoGlob glob, List<List<String>> out) {
        for (String name : list(dir)) {
            Path path = dir.resolve(name);
            String full = join(dirRelative, name);
            Map<String, Object> attributes = lstat(path);
            if (attributes == null) {
                continue;
            }
            boolean directory = type(attributes) == S_IFDIR;
            List<String> relative = new ArrayList<>(prefix);
            relative.add(name);
            if (!visible(full, directory)) {
                continue;
            }
            if (glob.matches(relative)) {
                out.add(List.copyOf(relative));
            } else if (directory && (relative.size() < glob.size() || glob.matchesAnyDepth())) {
                collectMatches(path, full, relative, glob, out);
            }
        }
    }

    /** A path resolved inside the root: its real location, its path relative to the root, and whether it is a dir. */
    private record Resolved(Path path, String relative, boolean directory) {
    }

    /**
     * Resolves components from the root following every symlink (the last one included) with chroot semantics:
     * absolute targets restart at the root, '..' stops there. Null if something on the way is missing.
     */
    private Resolved resolve(List<String> components) {
        Deque<String> todo = new ArrayDeque<>(components);
        List<String> resolved = new ArrayList<>();
        int links = 0;
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
            Path path = root.resolve(String.join("/", resolved)).resolve(part);
            Map<String, Object> attributes = lstat(path);
            if (attributes == null) {
                return null;
            }
            int type = type(attributes);
            if (type == S_IFLNK) {
                if (++links > MAX_SYMLINKS) {
                    throw request.failure("too many levels of symbolic links in " + String.join("/", components));
                }
                String target = readLink(path);
                if (target.startsWith("/")) {
                    resolved.clear();
                }
                String[] targetParts = target.split("/");
                for (int i = targetParts.length - 1; i >= 0; i--) {
                    todo.addFirst(targetParts[i]);
                }
                continue;
            }
            if (type != S_IFDIR && !todo.isEmpty()) {
                return null; // a file in the middle of the path
            }
            resolved.add(part);
        }
        String relative = String.join("/", resolved);
        Path path = relative.isEmpty() ? root : root.resolve(relative);
        Map<String, Object> attributes = lstat(path);
        return new Resolved(path, relative, attributes != null && type(attributes) == S_IFDIR);
    }

    /** One matched source path: a file, a directory to walk, or (for ADD) an archive to extract. */
    private PlannedItem item(String source, List<String> written, List<String> pivot) {
        String shown = written.isEmpty() ? "." : String.join("/", written);
        Resolved resolved = resolve(written);
        if (resolved == null) {
            throw notFound(source);
        }
        if (!visible(shown.equals(".") ? "" : shown, resolved.directory())
                || !visible(resolved.relative(), resolved.directory())) {
            throw request.failure("file not found in build context: " + source + " (it is excluded by "
                    + (context.ignoreFile() == null ? ".dockerignore" : context.ignoreFile().getFileName()) + ")");
        }
        Map<String, Object> attributes = lstat(resolved.path());
        if (attributes == null) {
            throw notFound(source);
        }
        String name = written.isEmpty() ? "" : written.getLast();
        String parentsPath = null;
        List<PlannedItem.Node> parentDirs = List.of();
        if (request.spec().parents()) {
            if (pivot.size() > written.size() || !written.subList(0, pivot.size()).equals(pivot)) {
                throw request.failure("--parents: '" + source + "' does not lie below its './' marker");
            }
            List<String> kept = written.subList(pivot.size(), written.size());
            parentsPath = String.join("/", kept);
            parentDirs = parentDirs(source, pivot, kept);
        }
        int type = type(attributes);
        if (type == S_IFREG && request.add() && Archives.isArchive(resolved.path())) {
            return new PlannedItem.Archive(source, resolved.path(), hashes.sha256(resolved.path(),
                    FileHashCache.Stamp.of(attributes)));
        }
        List<PlannedItem.Node> nodes = new ArrayList<>();
        if (type == S_IFDIR) {
            nodes.add(node("", resolved.path(), attributes, new HashMap<>()));
            walk(resolved.path(), resolved.relative(), "", nodes, new HashMap<>());
        } else if (type == S_IFREG) {
            nodes.add(node("", resolved.path(), attributes, new HashMap<>()));
        } else {
            throw request.failure("cannot copy " + source + ": only regular files, directories and symlinks can be copied");
        }
        return new PlannedItem.Local(source, name, parentsPath, parentDirs, nodes);
    }

    private BuildException notFound(String source) {
        return switch (request.source()) {
            case CopySource.Context c -> request.failure("file not found in build context: " + source);
            case CopySource.Filesystem f -> request.failure("file not found in " + f.name() + ": " + source);
        };
    }

    /** The source directories that --parents recreates between the pivot and the item. */
    private List<PlannedItem.Node> parentDirs(String source, List<String> pivot, List<String> kept) {
        List<PlannedItem.Node> dirs = new ArrayList<>();
        List<String> path = new ArrayList<>(pivot);
        for (int i = 0; i + 1 < kept.size(); i++) {
            path.add(kept.get(i));
            Resolved dir = resolve(path);
            if (dir == null || !dir.directory()) {
                throw notFound(source);
            }
            dirs.add(node(String.join("/", kept.subList(0, i + 1)), dir.path(), lstat(dir.path()), new HashMap<>()));
        }
        return dirs;
    }

    /**
     * Adds everything below {@code dir} in name order. A directory left out by .dockerignore or --exclude is still
     * entered when an exception may bring files back below it, and kept only if something below it is.
     */
    private void walk(Path dir, String contextRelative, String itemRelative, List<PlannedItem.Node> out,
                      Map<List<Long>, String> inodes) {
        for (String name : list(dir)) {
            Path path = dir.resolve(name);
            String full = join(contextRelative, name);
            String relative = join(itemRelative, name);
            Map<String, Object> attributes = lstat(path);
            if (attributes == null) {
                continue;
            }
            int type = type(attributes);
            boolean left = ignored(full) || excludedByFlag(relative);
            if (type == S_IFDIR) {
                boolean enter = !left || (context != null && ignored(full) && context.mayIncludeBelow(full))
                        || (excludes != null && excludedByFlag(relative) && excludes.mayIncludeBelow(relative));
                if (!enter) {
                    continue;
                }
                List<PlannedItem.Node> below = new ArrayList<>();
                walk(path, full, relative, below, inodes);
                if (!left || !below.isEmpty()) {
                    out.add(node(relative, path, attributes, inodes));
                    out.addAll(below);
                }
                continue;
            }
            if (left || type == S_IFSOCK) {
                continue; // sockets cannot be archived; BuildKit's context transfer drops them too
            }
            if (type != S_IFREG && type != S_IFLNK) {
                throw request.failure("cannot copy " + (context != null ? full : path)
                        + ": only regular files, directories and symlinks can be copied");
            }
            out.add(node(relative, path, attributes, inodes));
        }
    }

    private PlannedItem.Node node(String relative, Path path, Map<String, Object> attributes,
                                  Map<List<Long>, String> inodes) {
        int rawMode = (Integer) attributes.get("mode");
        int type = rawMode & S_IFMT;
        long uid = ((Number) attributes.get("uid")).longValue();
        long gid = ((Number) attributes.get("gid")).longValue();
        int mode = rawMode & 07777;
        if (type == S_IFLNK) {
            return new PlannedItem.Node(relative, PlannedItem.Type.SYMLINK, path, 0777, uid, gid, readLink(path), null, null);
        }
        boolean directory = type == S_IFDIR;
        if (request.normalizeModes() && context != null) {
            mode = directory || (mode & 0111) != 0 ? 0755 : 0644;
        }
        if (chmod != null) {
            mode = chmod.apply(mode, directory);
        }
        if (directory) {
            return new PlannedItem.Node(relative, PlannedItem.Type.DIRECTORY, path, mode, uid, gid, null, null, null);
        }
        String hardLinkTo = null;
        if ((Integer) attributes.get("nlink") > 1) {
            List<Long> inode = List.of((Long) attributes.get("dev"), (Long) attributes.get("ino"));
            hardLinkTo = inodes.putIfAbsent(inode, relative);
        }
        String sha = hashes.sha256(path, FileHashCache.Stamp.of(attributes));
        return new PlannedItem.Node(relative, PlannedItem.Type.FILE, path, mode, uid, gid, null, sha, hardLinkTo);
    }

    private List<String> list(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : stream) {
                names.add(child.getFileName().toString());
            }
        } catch (IOException e) {
            throw request.failure("cannot list " + dir + ": " + e.getMessage(), e);
        }
        names.sort(SourcePlanner::byteOrder);
        return names;
    }

    /** Go sorts names by their bytes; String.compareTo orders UTF-16 units, which differs beyond the BMP. */
    static int byteOrder(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, Object> lstat(Path path) {
        try {
            return Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw request.failure("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private String readLink(Path path) {
        try {
            return Files.readSymbolicLink(path).toString();
        } catch (IOException e) {
            throw request.failure("cannot read symlink " + path + ": " + e.getMessage(), e);
        }
    }

    private static int type(Map<String, Object> attributes) {
        return (Integer) attributes.get("mode") & S_IFMT;
    }

    private static String join(String parent, String name) {
        return parent.isEmpty() ? name : parent + "/" + name;
    }
}
