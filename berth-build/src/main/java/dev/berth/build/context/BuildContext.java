package dev.berth.build.context;

import dev.berth.build.BuildException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The build context: a directory whose files COPY and ADD may read, less what its ignore file leaves out. Files
 * outside the directory are never reachable: sources are resolved inside it with chroot semantics (see
 * {@link dev.berth.build.copy.CopyStep}).
 *
 * <p>The ignore file is chosen as Docker chooses it: {@code NAME.dockerignore} beside a Dockerfile called {@code NAME}
 * wins over {@code .dockerignore} at the root of the context; with neither, nothing is left out.
 */
public final class BuildContext {
    private final Path root;
    /** Null when there is no ignore file: nothing excluded, and no call into the matcher. */
    private final DockerIgnore ignore;
    private final Path ignoreFile;

    private BuildContext(Path root, DockerIgnore ignore, Path ignoreFile) {
        this.root = root;
        this.ignore = ignore;
        this.ignoreFile = ignoreFile;
    }

    /**
     * Opens the context directory and reads the ignore file that applies to {@code dockerfile} (which may lie outside
     * the context; null when the Dockerfile came from stdin, so only {@code .dockerignore} counts).
     */
    public static BuildContext open(Path directory, Path dockerfile) {
        Path root;
        try {
            root = directory.toRealPath();
        } catch (IOException e) {
            throw new BuildException("cannot use " + directory + " as the build context: it does not exist");
        }
        if (!Files.isDirectory(root)) {
            throw new BuildException("cannot use " + directory + " as the build context: it is not a directory");
        }
        Path file = ignoreFile(root, dockerfile);
        if (file == null) {
            return new BuildContext(root, null, null);
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BuildException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new BuildContext(root, DockerIgnore.parse(file.getFileName().toString(), text), file);
    }

    /** A context without ignore rules, for tests and for {@code COPY --from} roots treated like a context. */
    public static BuildContext withoutIgnoreFile(Path directory) {
        try {
            return new BuildContext(directory.toRealPath(), null, null);
        } catch (IOException e) {
            throw new BuildException("cannot use " + directory + " as the build context: it does not exist");
        }
    }

    /** A context with the given rules (e.g. from a .dockerignore sent with a stdin context). */
    public static BuildContext withIgnore(Path directory, DockerIgnore rules) {
        try {
            return new BuildContext(directory.toRealPath(), rules, null);
        } catch (IOException e) {
            throw new BuildException("cannot use " + directory + " as the build context: it does not exist");
        }
    }

    /**
     * The ignore file that applies: {@code <dockerfile name>.dockerignore} in the Dockerfile's directory if it exists,
     * else {@code .dockerignore} in the context root if it exists, else null.
     */
    public static Path ignoreFile(Path contextDirectory, Path dockerfile) {
        if (dockerfile != null && dockerfile.getFileName() != null) {
            Path beside = dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore");
            if (Files.isRegularFile(beside)) {
                return beside;
            }
        }
        Path atRoot = contextDirectory.resolve(".dockerignore");
        return Files.isRegularFile(atRoot, LinkOption.NOFOLLOW_LINKS) ? atRoot : null;
    }

    /** The context directory (a real path: no symlinks in it). */
    public Path root() {
        return root;
    }

    /** The ignore file that was read, or null. */
    public Path ignoreFile() {
        return ignoreFile;
    }

    /** Whether a path relative to the root ('/'-separated, no leading "./") is left out of the context. */
    public boolean excludes(String relativePath) {
        return ignore != null && ignore.excludes(relativePath);
    }

    /** Whether a walk must still descend into an excluded directory because an exception may bring files back. */
    public boolean mayIncludeBelow(String relativeDirectory) {
        return ignore != null && ignore.mayIncludeBelow(relativeDirectory);
    }

    @Override
    public String toString() {
        return "build context " + root + (ignoreFile == null ? "" : " (ignoring by " + ignoreFile.getFileName() + ")");
    }
}
