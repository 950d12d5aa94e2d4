package dev.berth.build.context;

/**
 * The rules of a {@code .dockerignore} file, with its exact pattern semantics ({@code **}, {@code !} exceptions, the
 * last matching line winning, paths cleaned and relative to the context).
 */
public final class DockerIgnore {
    private DockerIgnore() {
    }

    /** Parses the file's text; {@code file} names it in errors. */
    public static DockerIgnore parse(String file, String text) {
        throw new UnsupportedOperationException("the .dockerignore matcher is being written");
    }

    /** No rules: nothing is excluded. */
    public static DockerIgnore none() {
        throw new UnsupportedOperationException("the .dockerignore matcher is being written");
    }

    /** Whether a path (relative to the context, '/'-separated, no leading "./") is left out of the context. */
    public boolean excludes(String relativePath) {
        throw new UnsupportedOperationException("the .dockerignore matcher is being written");
    }

    /**
     * Whether a directory that {@link #excludes excluded} may still hold files an exception ({@code !pattern})
     * brings back, so a walk must descend into it.
     */
    public boolean mayIncludeBelow(String relativeDirectory) {
        throw new UnsupportedOperationException("the .dockerignore matcher is being written");
    }
}
