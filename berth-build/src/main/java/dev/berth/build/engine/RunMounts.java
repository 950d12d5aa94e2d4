package dev.berth.build.engine;

import dev.berth.build.BuildException;
import dev.berth.build.dockerfile.Instruction;
import dev.berth.build.exec.RootfsView;
import dev.berth.build.exec.RunSpec;
import dev.berth.runtime.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code RUN --mount} mounts of a step: first planned (checked, and what they read digested for the cache key),
 * then, when the step runs, prepared on the host (cache directories made or locked, stage filesystems mounted,
 * writable copies of binds made) and released after.
 */
final class RunMounts {
    private RunMounts() {
    }

    /** One planned mount. */
    private sealed interface Planned {
        record ContextBind(Path source, String target, boolean writable) implements Planned {
        }

        record StageBind(StageResult stage, String source, String target, boolean writable, String where) implements Planned {
        }

        record Cache(String id, String target, String sharing, int mode, int uid, int gid, boolean readOnly) implements Planned {
        }

        record Tmpfs(String target, String size) implements Planned {
        }

        record Secret(Path file, String target) implements Planned {
        }
    }

    /** The step's mounts as planned, and the parts they add to its cache key. */
    record Plan(List<Planned> mounts, Map<String, String> keyParts) {
        Prepared prepare(BuildSession session) {
            Prepared prepared = new Prepared();
            try {
                for (Planned p : mounts) {
                    prepared.add(session, p);
                }
                return prepared;
            } catch (RuntimeException e) {
                prepared.close();
                throw e;
            }
        }
    }

    static Plan plan(Instruction.Run run, StageBuilder builder, BuildSession session) {
        List<Planned> planned = new ArrayList<>();
        Map<String, String> key = new LinkedHashMap<>();
        String where = StageBuilder.where(run);
        for (Instruction.RunMount m : run.mounts()) {
            Map<String, String> o = m.options();
            String type = m.type() == null ? "bind" : m.type();
            String target = m.target();
            switch (type) {
                case "bind" -> {
                    requireTarget(target, type, where);
                    String source = o.getOrDefault("source", o.getOrDefault("src", ""));
                    boolean writable = isTrue(o.get("rw")) || isTrue(o.get("readwrite"));
                    String from = o.get("from");
                    if (from != null && !from.isEmpty()) {
                        StageResult stage = builder.copySource(from, where);
                        key.put("bind:" + target, stage.cacheKey() + ":" + source);
                        planned.add(new Planned.StageBind(stage, source, target, writable, where));
                    } else {
                        Path context = session.context.root();
                        Path p = context.resolve(source.startsWith("/") ? source.substring(1) : source).normalize();
                        if (!p.startsWith(context)) {
                            throw new BuildException(where + ": RUN --mount source " + source + " is outside the build context");
                        }
                        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                            throw new BuildException(where + ": RUN --mount source " + source + " not found in the build context");
                        }
                        key.put("bind:" + target, session.contextDigest(source, run.position()));
                        planned.add(new Planned.ContextBind(p, target, writable));
                    }
                }
                case "cache" -> {
                    requireTarget(target, type, where);
                    String id = o.getOrDefault("id", target);
                    String sharing = o.getOrDefault("sharing", "shared");
                    if (!sharing.equals("shared") && !sharing.equals("private") && !sharing.equals("locked")) {
                        throw new BuildException(where + ": RUN --mount=type=cache,sharing=" + sharing
                                + ": expected shared, private or locked");
                    }
                    planned.add(new Planned.Cache(id, target, sharing, octal(o.getOrDefault("mode", "0755"), where),
                            number(o.getOrDefault("uid", "0"), "uid", where), number(o.getOrDefault("gid", "0"), "gid", where),
                            isTrue(o.get("readonly")) || isTrue(o.get("ro"))));
                }
                case "tmpfs" -> {
                    requireTarget(target, type, where);
                    String size = o.get("size");
                    if (size != null && !size.matches("[0-9]+[kKmMgG]?")) {
                        throw new BuildException(where + ": RUN --mount=type=tmpfs,size=" + size + ": expected a size like 64m");
                    }
                    planned.add(new Planned.Tmpfs(target, size));
                }
                case "secret" -> {
                    String id = o.get("id");
                    if ((id == null || id.isEmpty()) && target != null) {
                        id = Path.of(target).getFileName().toString();
                    }
                    if (id == null || id.isEmpty()) {
                        throw new BuildException(where + ": RUN --mount=type=secret needs an id or a target");
                    }
                    String at = target != null ? target : "/run/secrets/" + id;
                    Path file = session.request.secrets().get(id);
                    if (file == null) {
                        if (isTrue(o.get("required"))) {
                            throw new BuildException(where + ": the secret '" + id + "' is required: give it with --secret id="
                                    + id + ",src=FILE");
                        }
                        continue; // an optional secret that was not given is simply not mounted, as docker does
                    }
                    if (!Files.isRegularFile(file)) {
                        throw new BuildException(where + ": the secret '" + id + "' file " + file + " does not exist");
                    }
                    planned.add(new Planned.Secret(file.toAbsolutePath(), at));
                }
                case "ssh" -> throw new BuildException(where + ": RUN --mount=type=ssh is not supported by berth build");
                default -> throw new BuildException(where + ": RUN --mount=type=" + type
                        + ": unknown mount type (expected bind, cache, tmpfs or secret)");
            }
        }
        return new Plan(planned, key);
    }

    /** Host resources of the mounts while the step runs; closing releases them all. */
    static final class Prepared implements AutoCloseable {
        private final List<RunSpec.ExtraMount> mounts = new ArrayList<>();
        private final List<AutoCloseable> resources = new ArrayList<>();

        List<RunSpec.ExtraMount> mounts() {
            return mounts;
        }

        private void add(BuildSession session, Planned p) {
            switch (p) {
                case Planned.ContextBind b -> mounts.add(new RunSpec.ExtraMount.Bind(
                        b.writable() ? scratchCopy(session, b.source()) : b.source(), b.target(), !b.writable()));
                case Planned.StageBind b -> {
                    RootfsView view = RootfsView.open(session.workRoot, session.lowers(b.stage().layers()), session.teardowns);
                    resources.add(view);
                    Path source = view.root().resolve(b.source().startsWith("/") ? b.source().substring(1) : b.source()).normalize();
                    if (!source.startsWith(view.root()) || !Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                        throw new BuildException(b.where() + ": RUN --mount source " + b.source() + " not found in the stage");
                    }
                    mounts.add(new RunSpec.ExtraMount.Bind(b.writable() ? scratchCopy(session, source) : source,
                            b.target(), !b.writable()));
                }
                case Planned.Cache c -> mounts.add(new RunSpec.ExtraMount.Bind(cacheDirectory(session, c), c.target(), c.readOnly()));
                case Planned.Tmpfs t -> {
                    List<String> options = new ArrayList<>(List.of("rw", "nosuid", "nodev"));
                    if (t.size() != null) {
                        options.add("size=" + t.size());
                    }
                    mounts.add(new RunSpec.ExtraMount.Tmpfs(t.target(), options));
                }
                case Planned.Secret s -> mounts.add(new RunSpec.ExtraMount.Bind(s.file(), s.target(), true));
            }
        }

        /** A writable bind writes to a copy that is thrown away after the step (as BuildKit's rw binds). */
        private Path scratchCopy(BuildSession session, Path source) {
            Path dir = session.workRoot.resolve("bind-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
            resources.add(() -> SnapshotStore.deleteTree(dir));
            Path copy = dir.resolve("data");
            try {
                Files.createDirectories(dir);
                copyTree(source, copy);
            } catch (IOException e) {
                throw new BuildException("cannot copy " + source + " for a writable mount: " + e.getMessage(), e);
            }
            return copy;
        }

        private Path cacheDirectory(BuildSession session, Planned.Cache c) {
            Path root = session.cache.mountsDirectory();
            String name = hash(c.id());
            Path dir = root.resolve(name);
            try {
                Files.createDirectories(root);
                if (!c.sharing().equals("shared")) {
                    FileChannel channel = FileChannel.open(root.resolve("." + name + ".lock"), StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE);
                    FileLock lock;
                    if (c.sharing().equals("locked")) {
                        lock = channel.lock();
                    } else {
                        try {
                            lock = channel.tryLock();
                        } catch (OverlappingFileLockException inUseHere) {
                            lock = null;
                        }
                    }
                    if (lock == null) {
                        channel.close();
                        // private: someone uses the shared directory; this step gets a fresh one of its own
                        Path own = session.workRoot.resolve("cache-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
                        resources.add(() -> SnapshotStore.deleteTree(own));
                        makeCacheDirectory(own, c);
                        return own;
                    }
                    FileLock held = lock;
                    resources.add(() -> {
                        try (channel) {
                            held.release();
                        }
                    });
                }
                if (!Files.isDirectory(dir)) {
                    Path tmp = root.resolve(".new-" + name + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
                    makeCacheDirectory(tmp, c);
                    try {
                        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                    } catch (IOException raced) {
                        SnapshotStore.deleteTree(tmp); // another step made it first
                    }
                }
                return dir;
            } catch (IOException e) {
                throw new BuildException("cannot prepare the cache mount " + c.id() + ": " + e.getMessage(), e);
            }
        }

        private static void makeCacheDirectory(Path dir, Planned.Cache c) throws IOException {
            Files.createDirectories(dir);
            Files.setAttribute(dir, "unix:mode", c.mode());
            Files.setAttribute(dir, "unix:uid", c.uid());
            Files.setAttribute(dir, "unix:gid", c.gid());
        }

        @Override
        public void close() {
            RuntimeException failure = null;
            for (AutoCloseable r : resources.reversed()) {
                try {
                    r.close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = new BuildException("cannot release a RUN mount: " + e.getMessage(), e);
                    }
                }
            }
            resources.clear();
            if (failure != null) {
                throw failure;
            }
        }
    }

    private static void copyTree(Path source, Path target) throws IOException {
        if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            return;
        }
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.copy(dir, target.resolve(source.relativize(dir).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, target.resolve(source.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static String hash(String id) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void requireTarget(String target, String type, String where) {
        if (target == null || target.isEmpty()) {
            throw new BuildException(where + ": RUN --mount=type=" + type + " needs a target");
        }
        if (!target.startsWith("/")) {
            throw new BuildException(where + ": RUN --mount target " + target + " must be an absolute path");
        }
    }

    private static boolean isTrue(String value) {
        return value != null && (value.isEmpty() || value.equalsIgnoreCase("true") || value.equals("1"));
    }

    private static int octal(String text, String where) {
        try {
            return Integer.parseInt(text, 8) & 07777;
        } catch (NumberFormatException e) {
            throw new BuildException(where + ": RUN --mount mode=" + text + ": expected an octal mode such as 0755");
        }
    }

    private static int number(String text, String what, String where) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new BuildException(where + ": RUN --mount " + what + "=" + text + ": expected a number");
        }
    }
}
