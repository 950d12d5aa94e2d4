package dev.berth.build.exec;

import dev.berth.build.BuildException;
import dev.berth.runtime.ContainerException;
import dev.berth.runtime.snapshot.SnapshotStore;
import dev.berth.runtime.sys.Mounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A stage's filesystem so far, read-only, for steps that read it without running anything (COPY and ADD find their
 * destination's parents there, COPY --from reads its sources, WORKDIR checks its directory): an overlay of the layer
 * directories without an upper directory, or the one layer directory itself when there is only one.
 */
public final class RootfsView implements AutoCloseable {
    private static final long MS_RDONLY = 1;

    private final Path root;
    private final Path dir;
    private final Teardowns teardowns;
    private boolean mounted;

    private RootfsView(Path root, Path dir, Teardowns teardowns) {
        this.root = root;
        this.dir = dir;
        this.teardowns = teardowns;
    }

    /** Mounts the view of {@code lowers} (bottom first) under {@code workRoot}. */
    public static RootfsView open(Path workRoot, List<Path> lowers, Teardowns teardowns) {
        if (lowers.size() == 1) {
            return new RootfsView(lowers.getFirst(), null, teardowns);
        }
        Path dir = workRoot.resolve("view-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
        Path target = dir.resolve("rootfs");
        RootfsView view = new RootfsView(target, dir, teardowns);
        teardowns.add(view, view::close);
        try {
            Files.createDirectories(target);
            if (lowers.size() >= 2) {
                List<String> topFirst = new ArrayList<>();
                for (Path lower : lowers.reversed()) {
                    topFirst.add(escape(lower.toString()));
                }
                String options = "lowerdir=" + String.join(":", topFirst);
                if (options.getBytes(StandardCharsets.UTF_8).length >= 4096) {
                    throw new BuildException("the stage has too many layers (" + lowers.size() + ") for one overlay mount");
                }
                Mounts.mount("overlay", target, "overlay", MS_RDONLY, options);
                view.mounted = true;
            }
            return view;
        } catch (IOException | ContainerException | BuildException e) {
            view.close();
            throw e instanceof BuildException b ? b
                    : new BuildException("cannot mount the stage's filesystem: " + e.getMessage(), e);
        }
    }

    /** The root of the view. */
    public Path root() {
        return root;
    }

    @Override
    public synchronized void close() {
        if (dir == null) {
            return;
        }
        if (mounted) {
            Mounts.unmount(root);
            mounted = false;
        }
        try {
            SnapshotStore.deleteTree(dir);
        } catch (IOException e) {
            throw new BuildException("cannot remove " + dir + ": " + e.getMessage(), e);
        } finally {
            teardowns.remove(this);
        }
    }

    private static String escape(String path) {
        return path.replace("\\", "\\\\").replace(":", "\\:").replace(",", "\\,");
    }
}
