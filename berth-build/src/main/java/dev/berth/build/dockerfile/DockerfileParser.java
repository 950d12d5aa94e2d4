package dev.berth.build.dockerfile;

import dev.berth.build.BuildException;

/**
 * Parses a Dockerfile as the Dockerfile reference defines the language. Errors name the file, line and column and
 * what was expected.
 */
public final class DockerfileParser {
    private DockerfileParser() {
    }

    /**
     * Parses {@code text}, naming it {@code file} in errors.
     *
     * @throws BuildException on any syntax error, unknown instruction, or a file without FROM
     */
    public static Dockerfile parse(String file, String text) {
        throw new BuildException(file + ": the Dockerfile parser is being written");
    }
}
