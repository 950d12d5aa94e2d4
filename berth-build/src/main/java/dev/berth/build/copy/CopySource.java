package dev.berth.build.copy;

import dev.berth.build.context.BuildContext;
import java.nio.file.Path;

/** Where COPY or ADD reads its sources from. */
public sealed interface CopySource {

    /** The build context: files land owned by root (or --chown), .dockerignore applies. */
    record Context(BuildContext context) implements CopySource {
    }

    /**
     * A root filesystem for {@code COPY --from}: another stage's or an image's, unpacked in a directory the engine
     * keeps unchanged while the step runs. Owners are kept as they are there (unless --chown), as Docker does.
     *
     * @param root the directory holding the filesystem
     * @param name what to call it in errors ("stage 'build'", "image alpine:3.20")
     */
    record Filesystem(Path root, String name) implements CopySource {
    }
}
