package dev.berth.build.dockerfile;

/**
 * Where something is in a Dockerfile, for error messages: {@code Dockerfile:12:5}. Lines and columns count from 1;
 * the column counts characters (not bytes) from the start of the physical line.
 */
public record SourcePosition(String file, int line, int column) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
