package dev.berth.build.engine;

import dev.berth.build.BuildException;
import dev.berth.oci.layer.LayerEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/**
 * A deliberately small COPY (plain paths, no globs, no flags) for the engine's first end-to-end builds, until the
 * build-copy work provides the full semantics. To be deleted then.
 */
final class MinimalCopy {
    private MinimalCopy() {
    }

    /** A digest of the sources' contents, modes and names (not their times). */
    static String digest(Path sourceRoot, List<String> sources) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String source : sources) {
                Path p = inside(sourceRoot, source);
                TreeMap<String, Path> files = new TreeMap<>();
                if (Files.isDirectory(p)) {
                    try (var walk = Files.walk(p)) {
                        walk.forEach(f -> files.put(p.relativize(f).toString(), f));
                    }
                } else {
                    files.put("", p);
                }
                sha.update(("source " + source + "\n").getBytes());
                for (var e : files.entrySet()) {
                    Path f = e.getValue();
                    int mode = (Integer) Files.getAttribute(f, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                    sha.update((e.getKey() + " " + Integer.toOctalString(mode) + "\n").getBytes());
                    if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                        try (InputStream in = Files.newInputStream(f)) {
                            byte[] buf = new byte[65536];
                            int n;
                            while ((n = in.read(buf)) > 0) {
                                sha.update(buf, 0, n);
                            }
                        }
                    } else if (Files.isSymbolicLink(f)) {
                        sha.update(Files.readSymbolicLink(f).toString().getBytes());
                    }
                }
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new BuildException("cannot read the COPY sources: " + e.getMessage(), e);
        }
    }

    /** The entries COPY adds: the sources under {@code destination}, and destination parents missing in the stage. */
    static List<LayerEntry> entries(Path sourceRoot, List<String> sources, String destination, String workdir,
                                    Path stageRoot) {
        String dest = destination.startsWith("/") ? destination
                : (workdir.isEmpty() ? "/" : workdir) + "/" + destination;
        boolean intoDirectory = destination.endsWith("/") || sources.size() > 1;
        String destPath = Path.of(dest).normalize().toString().substring(1);
        List<LayerEntry> entries = new ArrayList<>();
        try {
            for (String source : sources) {
                Path p = inside(sourceRoot, source);
                if (Files.isDirectory(p)) {
                    addParents(entries, destPath, stageRoot, true);
                    Files.walkFileTree(p, new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                            if (!dir.equals(p)) {
                                entries.add(LayerEntry.directory(join(destPath, p.relativize(dir).toString()), mode(dir)));
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                            String at = join(destPath, p.relativize(file).toString());
                            entries.add(attrs.isSymbolicLink() ? LayerEntry.symlink(at, Files.readSymbolicLink(file).toString())
                                    : LayerEntry.file(at, file, mode(file)));
                            return FileVisitResult.CONTINUE;
                        }
                    });
                } else {
                    String at = intoDirectory ? join(destPath, p.getFileName().toString()) : destPath;
                    addParents(entries, at, stageRoot, intoDirectory);
                    entries.add(LayerEntry.file(at, p, mode(p)));
                }
            }
        } catch (IOException e) {
            throw new BuildException("cannot copy: " + e.getMessage(), e);
        }
        return entries.stream().distinct().toList();
    }

    private static void addParents(List<LayerEntry> entries, String path, Path stageRoot, boolean includeSelf) {
        List<String> missing = new ArrayList<>();
        String p = includeSelf ? path : parent(path);
        while (!p.isEmpty() && !Files.isDirectory(stageRoot.resolve(p))) {
            missing.addFirst(p);
            p = parent(p);
        }
        for (String m : missing) {
            entries.add(LayerEntry.directory(m, 0755));
        }
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private static Path inside(Path root, String source) {
        Path p = root.resolve(source.startsWith("/") ? source.substring(1) : source).normalize();
        if (!p.startsWith(root)) {
            throw new BuildException("COPY source " + source + " is outside the build context");
        }
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new BuildException("COPY source " + source + " not found in the build context");
        }
        return p;
    }
}
