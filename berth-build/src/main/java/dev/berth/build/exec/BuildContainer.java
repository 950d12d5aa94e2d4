package dev.berth.build.exec;

import dev.berth.build.BuildException;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.runtime.ContainerException;
import dev.berth.runtime.bundle.BindMount;
import dev.berth.runtime.bundle.BundleSpec;
import dev.berth.runtime.bundle.NetworkNamespace;
import dev.berth.runtime.bundle.Resources;
import dev.berth.runtime.bundle.RuntimeSpecWriter;
import dev.berth.runtime.bundle.TmpfsMount;
import dev.berth.runtime.monitor.Runc;
import dev.berth.runtime.snapshot.SnapshotStore;
import dev.berth.runtime.sys.Mounts;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One RUN step in a container of its own, made from Berth's runtime parts: an overlay of the stage's layers with a
 * fresh upper directory, a runc bundle with Docker's defaults, {@code runc run} in the foreground with the step's
 * output streamed line by line, and afterwards the upper directory read as the step's layer. {@link #close} takes
 * everything down (the runc container, every mount, the temporary directory), also when the step failed; a
 * {@link Teardowns} registry does the same when the build is interrupted.
 */
public final class BuildContainer implements AutoCloseable {
    /** The build container's host name: fixed, so nothing of the building host reaches the image. */
    public static final String HOSTNAME = "berth-build";

    private static final String HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t"
            + HOSTNAME + "\n";
    /** Paths runc makes in the rootfs when they are missing, to mount something there. */
    private static final List<String> RUNTIME_PATHS = List.of("proc", "dev", "sys", "etc/hosts", "etc/hostname",
            "etc/resolv.conf");

    private final String id;
    private final Path dir;
    private final Path upper;
    private final Path rootfs;
    private final Path bundle;
    private final Runc runc;
    private final Teardowns teardowns;
    private final RunSpec spec;
    private final Set<String> runtimeCreated = new LinkedHashSet<>();
    private volatile Process process;
    private boolean mounted;
    private boolean started;
    private boolean closed;

    private BuildContainer(Path workRoot, Runc runc, Teardowns teardowns, RunSpec spec) {
        this.id = "berth-build-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        this.dir = workRoot.resolve(id);
        this.upper = dir.resolve("upper");
        this.rootfs = dir.resolve("rootfs");
        this.bundle = dir.resolve("bundle");
        this.runc = runc;
        this.teardowns = teardowns;
        this.spec = spec;
    }

    /**
     * Mounts the root filesystem and writes the bundle. On failure nothing is left behind.
     *
     * @param workRoot where the step's temporary directory goes (on the store's file system)
     */
    public static BuildContainer prepare(Path workRoot, Runc runc, Teardowns teardowns, RunSpec spec) {
        BuildContainer c = new BuildContainer(workRoot, runc, teardowns, spec);
        teardowns.add(c, c::close);
        try {
            c.setUp();
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void setUp() {
        Path work = dir.resolve("work");
        Path etc = dir.resolve("etc");
        try {
            Files.createDirectories(upper);
            Files.createDirectories(work);
            Files.createDirectories(rootfs);
            Files.createDirectories(bundle);
            Files.createDirectories(etc);
            Files.writeString(etc.resolve("hosts"), HOSTS, StandardCharsets.UTF_8);
            Files.writeString(etc.resolve("hostname"), HOSTNAME + "\n", StandardCharsets.UTF_8);
            Path hostResolv = Path.of("/etc/resolv.conf");
            Files.write(etc.resolve("resolv.conf"), Files.isReadable(hostResolv) ? Files.readAllBytes(hostResolv) : new byte[0]);
        } catch (IOException e) {
            throw new BuildException("cannot prepare the build container in " + dir + ": " + e.getMessage(), e);
        }
        List<Path> lowers = spec.lowers();
        if (lowers.isEmpty()) {
            Path empty = dir.resolve("empty");
            try {
                Files.createDirectories(empty);
            } catch (IOException e) {
                throw new BuildException("cannot create " + empty + ": " + e.getMessage(), e);
            }
            lowers = List.of(empty);
        }
        try {
            Mounts.overlay(lowers, upper, work, rootfs);
        } catch (ContainerException e) {
            throw new BuildException("cannot mount the build step's root filesystem: " + e.getMessage(), e);
        }
        mounted = true;
        notePathsTheRuntimeMayCreate();
        List<BindMount> binds = new ArrayList<>();
        List<TmpfsMount> tmpfs = new ArrayList<>();
        for (RunSpec.ExtraMount m : spec.mounts()) {
            switch (m) {
                case RunSpec.ExtraMount.Bind b -> binds.add(new BindMount(b.source(), b.target(), b.readOnly()));
                case RunSpec.ExtraMount.Tmpfs t -> tmpfs.add(new TmpfsMount(t.target(), t.options()));
            }
        }
        NetworkNamespace network = spec.hostNetwork() ? new NetworkNamespace.HostNamespace()
                : new NetworkNamespace.NewNamespace();
        try {
            RuntimeSpecWriter.write(new BundleSpec(id, rootfs, false, spec.args(), spec.env(), spec.workingDir(),
                    spec.user(), HOSTNAME, binds, tmpfs, Resources.NONE, network, etc.resolve("hosts"),
                    etc.resolve("hostname"), etc.resolve("resolv.conf"), "/berth-build/" + id, false,
                    Map.of("dev.berth.build", "run")), bundle);
        } catch (ContainerException e) {
            throw new BuildException(e.getMessage(), e);
        }
    }

    /** Records which mount points (and their parents) are missing now: runc will create them, the layer must not. */
    private void notePathsTheRuntimeMayCreate() {
        List<String> targets = new ArrayList<>(RUNTIME_PATHS);
        for (RunSpec.ExtraMount m : spec.mounts()) {
            targets.add(stripSlashes(m.target()));
        }
        if (!spec.workingDir().isEmpty()) {
            targets.add(stripSlashes(spec.workingDir()));
        }
        for (String target : targets) {
            String path = target;
            while (!path.isEmpty() && !Files.exists(rootfs.resolve(path), LinkOption.NOFOLLOW_LINKS)) {
                runtimeCreated.add(path);
                int slash = path.lastIndexOf('/');
                path = slash < 0 ? "" : path.substring(0, slash);
            }
        }
    }

    private static String stripSlashes(String path) {
        String p = Path.of("/").resolve(path).normalize().toString();
        return p.substring(1);
    }

    /** Where each line of the process's output goes, with whether it came on stderr. */
    @FunctionalInterface
    public interface OutputSink {
        void line(String line, boolean stderr);
    }

    /** Runs the process to its end and returns its exit code (128+N when killed by signal N). */
    public int run(OutputSink output) {
        List<String> command = List.of(runc.binary().toString(), "--root", runc.stateRoot().toString(), "run",
                "--bundle", bundle.toString(), id);
        ProcessBuilder pb = new ProcessBuilder(command);
        if (spec.stdin() == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        try {
            Files.createDirectories(runc.stateRoot());
            synchronized (this) {
                if (teardowns.cancelled()) {
                    throw new BuildException("the build was cancelled");
                }
                started = true;
                process = pb.start();
            }
            Process p = process;
            Thread err = Thread.ofVirtual().start(() -> pump(p.getErrorStream(), output, true));
            Thread out = Thread.ofVirtual().start(() -> pump(p.getInputStream(), output, false));
            if (spec.stdin() != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(spec.stdin());
                } catch (IOException e) {
                    // the process ended without reading all its input: its exit code tells
                }
            } else {
                p.getOutputStream().close();
            }
            int exit = p.waitFor();
            out.join();
            err.join();
            return exit;
        } catch (IOException e) {
            throw new BuildException("cannot start runc: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted while the build step ran", e);
        }
    }

    private static void pump(InputStream stream, OutputSink output, boolean stderr) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.line(line, stderr);
            }
        } catch (IOException e) {
            // the pipe closed: the process is gone
        }
    }

    /** The step's changes as layer entries; unmounts the root filesystem first so the upper directory is settled. */
    public List<LayerEntry> changes() {
        unmountAll();
        return UpperDiff.entries(upper, runtimeCreated, spec.lowers());
    }

    private void unmountAll() {
        if (mounted) {
            for (Path m : Mounts.mountPointsUnder(rootfs).reversed()) {
                Mounts.unmount(m);
            }
            Mounts.unmount(rootfs);
            mounted = false;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        if (started) {
            try {
                runc.deleteIfPresent(id); // kills the container's processes; runc run then ends by itself
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
        }
        try {
            unmountAll();
        } catch (RuntimeException e) {
            failure = failure == null ? e : failure;
        }
        try {
            SnapshotStore.deleteTree(dir);
        } catch (IOException e) {
            failure = failure == null ? new BuildException("cannot remove " + dir + ": " + e.getMessage(), e) : failure;
        }
        teardowns.remove(this);
        if (failure != null) {
            throw failure instanceof BuildException b ? b : new BuildException(failure.getMessage(), failure);
        }
    }
}
