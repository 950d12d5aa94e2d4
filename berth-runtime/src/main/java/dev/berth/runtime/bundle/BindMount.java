package dev.berth.runtime.bundle;

import java.nio.file.Path;

/** A host path bind-mounted into the container ({@code -v SRC:DST[:ro]}); the source must already exist. */
public record BindMount(Path source, String destination, boolean readOnly) {
}
