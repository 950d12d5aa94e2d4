package dev.berth.build.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.oci.archive.ArchiveFormat;
import dev.berth.oci.archive.ImageArchiveWriter;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import dev.berth.oci.json.Json;
import dev.berth.oci.layer.ExtractOptions;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.layer.LayerExtractor;
import dev.berth.oci.layer.LayerOptions;
import dev.berth.oci.layer.LayerTree;
import dev.berth.oci.layer.LayerWriter;
import dev.berth.oci.layer.WrittenLayer;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.BlobWriter;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Base images for build tests, made here from the host's Debian packages (there is no Docker Hub to pull from):
 *
 * <ul>
 * <li>{@link #busybox}: Debian's static busybox as {@code /bin/busybox} with its applets linked to it;
 * <li>{@link #debian}: a small Debian bookworm made from .deb packages (libc6, dash as /bin/sh, bash, coreutils, grep,
 * sed, findutils, tar, gzip and what they need), enough to run shell scripts and the usual file tools.
 * </ul>
 *
 * <p>Both have {@code /etc/passwd} and {@code /etc/group} with {@code root} (0), {@link #USER} (1000, home
 * {@code /home/app}) and {@code nobody} (65534), {@code PATH} set, and fixed timestamps and owners, so the same host
 * packages always give the same digests. {@link #save} writes them as archives {@code podman load} reads, for the
 * differential tests against podman build.
 */
public final class TestImages {
    /** The unprivileged user of both images: uid and gid 1000, home /home/app. */
    public static final String USER = "app";
    public static final long USER_ID = 1000;
    public static final String CREATED = "2024-01-01T00:00:00Z";
    public static final long MTIME = 1704067200L;
    public static final String PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    public static final List<String> BUSYBOX_APPLETS = List.of("sh", "ash", "echo", "cat", "ls", "id", "mkdir", "rmdir",
            "chmod", "chown", "chgrp", "touch", "rm", "cp", "mv", "ln", "env", "pwd", "sleep", "true", "false", "test", "[",
            "printf", "grep", "sed", "awk", "head", "tail", "wc", "sort", "uniq", "cut", "tr", "stat", "find", "xargs",
            "tar", "gzip", "gunzip", "uname", "whoami", "hostname", "date", "readlink", "realpath", "dirname",
            "basename", "sha256sum", "md5sum", "wget", "seq", "du", "df", "mktemp", "tee", "od", "diff", "expr",
            "which", "yes", "ps", "kill", "umask", "nproc");
    /** The packages of {@link #debian}: what bash, dash, coreutils, grep, sed, findutils, tar and gzip depend on. */
    public static final List<String> DEBIAN_PACKAGES = List.of("base-files", "libc6", "libgcc-s1", "gcc-12-base",
            "dash", "bash", "libtinfo6", "debianutils", "coreutils", "libacl1", "libattr1", "libgmp10", "libselinux1",
            "libpcre2-8-0", "grep", "sed", "findutils", "tar", "gzip");

    static final String PASSWD = """
            root:x:0:0:root:/root:/bin/sh
            app:x:1000:1000:app:/home/app:/bin/sh
            nobody:x:65534:65534:nobody:/nonexistent:/bin/false
            """;
    static final String GROUP = """
            root:x:0:
            app:x:1000:
            nogroup:x:65534:
            """;

    /** What was built: the name, the manifest it points at, and the config whose digest is the image ID. */
    public record Built(Reference name, Descriptor manifest, Descriptor config) {
        public Digest id() {
            return config.digest();
        }
    }

    private TestImages() {
    }

    /** The busybox image, named {@code name} in {@code store}. */
    public static Built busybox(ImageStore store, String name) {
        if (!Files.isRegularFile(BUSYBOX) || !Files.isExecutable(BUSYBOX)) {
            fail(BUSYBOX + " is missing: install the Debian package busybox-static (scripts/install-deps)");
        }
        List<LayerEntry> entries = new ArrayList<>(List.of(
                LayerEntry.directory("bin", 0755), LayerEntry.directory("etc", 0755),
                LayerEntry.directory("tmp", 01777), LayerEntry.directory("root", 0700),
                LayerEntry.directory("home", 0755), LayerEntry.directory("home/app", 0755).withOwner(USER_ID, USER_ID),
                LayerEntry.directory("proc", 0755), LayerEntry.directory("sys", 0755), LayerEntry.directory("dev", 0755),
                LayerEntry.directory("usr", 0755), LayerEntry.directory("usr/bin", 0755),
                LayerEntry.symlink("usr/bin/env", "/bin/busybox"),
                LayerEntry.file("bin/busybox", BUSYBOX, 0755),
                LayerEntry.file("etc/passwd", PASSWD.getBytes(StandardCharsets.UTF_8), 0644),
                LayerEntry.file("etc/group", GROUP.getBytes(StandardCharsets.UTF_8), 0644)));
        for (String applet : BUSYBOX_APPLETS) {
            entries.add(LayerEntry.symlink("bin/" + applet, "busybox"));
        }
        return build(store, name, entries, List.of("sh"), "berth test fixture: Debian's static busybox");
    }

    /**
     * The Debian image, named {@code name} in {@code store}. The packages come from {@link DebianPackages} (downloaded
     * once into its cache); their files are unpacked, not installed: no maintainer script runs, so the account files
     * are made here.
     */
    public static Built debian(ImageStore store, String name) {
        List<Path> debs = DebianPackages.fetch(DEBIAN_PACKAGES);
        Path rootfs;
        try {
            rootfs = Files.createTempDirectory("berth-debian-rootfs-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (Path deb : debs) {
                DebianPackages.extract(deb, rootfs);
            }
            if (!Files.exists(rootfs.resolve("bin/sh"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("dash")); // dash's postinst did this once
            }
            Files.writeString(rootfs.resolve("etc/passwd"), PASSWD.replace("/bin/sh", "/bin/bash"));
            Files.writeString(rootfs.resolve("etc/group"), GROUP);
            for (String dir : List.of("tmp", "root", "home/app", "proc", "sys", "dev", "run", "var/tmp")) {
                Files.createDirectories(rootfs.resolve(dir));
            }
            List<LayerEntry> entries = new ArrayList<>();
            for (LayerEntry e : LayerTree.scan(rootfs, 0, 0)) {
                entries.add(switch (e.path()) {
                    case "tmp", "var/tmp" -> withMode(e, 01777);
                    case "root" -> withMode(e, 0700);
                    case "etc/passwd", "etc/group" -> withMode(e, 0644);
                    case "home/app" -> withMode(e, 0755).withOwner(USER_ID, USER_ID);
                    default -> e;
                });
            }
            // The writer reads file contents while it writes, so the tree must outlive this call.
            return build(store, name, entries, List.of("/bin/bash"),
                    "berth test fixture: Debian packages " + String.join(" ", DEBIAN_PACKAGES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            TestFiles.deleteTree(rootfs);
        }
    }

    private static LayerEntry withMode(LayerEntry e, int mode) {
        return new LayerEntry(e.path(), e.kind(), e.source(), e.content(), e.linkTarget(), mode, e.uid(), e.gid(),
                e.devMajor(), e.devMinor());
    }

    private static Built build(ImageStore store, String name, List<LayerEntry> entries, List<String> cmd, String history) {
        Reference reference = Reference.parse(name);
        try (Lease lease = store.lease()) {
            WrittenLayer layer;
            try (BlobWriter writer = lease.writer()) {
                layer = LayerWriter.writeEntries(entries, writer, LayerOptions.defaults().withMtime(MTIME));
                writer.commit(layer.blob().mediaType(), layer.blob().digest(), layer.blob().size());
            }
            ContainerConfig run = new ContainerConfig(null, null, List.of(PATH_ENV), null, cmd, null, null, null, null,
                    null, null, null, null);
            ImageConfig config = new ImageConfig(CREATED, null, Platform.host().architecture(), "linux", null, null,
                    null, run, ImageConfig.RootFs.layers(List.of(layer.diffId().toString())),
                    List.of(new ImageConfig.History(CREATED, history, null, null, null)));
            Descriptor configDescriptor = lease.put(MediaTypes.OCI_CONFIG, Json.canonicalBytes(config));
            Descriptor manifest = lease.put(MediaTypes.OCI_MANIFEST,
                    Json.canonicalBytes(Manifest.oci(configDescriptor, List.of(layer.blob()), null)));
            store.tag(reference, manifest);
            return new Built(reference, manifest, configDescriptor);
        }
    }

    /**
     * A small image for {@code platform} whose only file, {@code /platform.txt}, names its platform and holds
     * {@code marker} (so two calls with different markers give different digests). It cannot run; it is for tests
     * of resolution, locking and pulling.
     */
    public static Descriptor tiny(ImageStore store, Platform platform, String marker) {
        try (Lease lease = store.lease()) {
            return tinyManifest(lease, platform, marker);
        }
    }

    /** A multi-platform image: an OCI index of a {@link #tiny} manifest per platform, named {@code name}. */
    public static Descriptor multiPlatform(ImageStore store, String name, List<Platform> platforms, String marker) {
        try (Lease lease = store.lease()) {
            List<Descriptor> manifests = new ArrayList<>();
            for (Platform p : platforms) {
                manifests.add(tinyManifest(lease, p, marker).withPlatform(p));
            }
            Descriptor index = lease.put(MediaTypes.OCI_INDEX, Json.canonicalBytes(Index.oci(manifests)));
            store.tag(Reference.parse(name), index);
            return index;
        }
    }

    private static Descriptor tinyManifest(Lease lease, Platform platform, String marker) {
        WrittenLayer layer;
        try (BlobWriter writer = lease.writer()) {
            byte[] text = (platform + "\n" + marker + "\n").getBytes(StandardCharsets.UTF_8);
            layer = LayerWriter.writeEntries(List.of(LayerEntry.file("platform.txt", text, 0644)), writer,
                    LayerOptions.defaults().withMtime(MTIME));
            writer.commit(layer.blob().mediaType(), layer.blob().digest(), layer.blob().size());
        }
        ImageConfig config = new ImageConfig(CREATED, null, platform.architecture(), platform.os(), null, null,
                platform.variant(), null, ImageConfig.RootFs.layers(List.of(layer.diffId().toString())), List.of());
        Descriptor configDescriptor = lease.put(MediaTypes.OCI_CONFIG, Json.canonicalBytes(config));
        return lease.put(MediaTypes.OCI_MANIFEST, Json.canonicalBytes(Manifest.oci(configDescriptor, List.of(layer.blob()), null)));
    }

    /**
     * Writes a stored image as an archive {@code podman load -i} reads: {@link ArchiveFormat#DOCKER} (docker-archive;
     * podman names a name without a domain {@code localhost/NAME}) or {@link ArchiveFormat#OCI} (oci-archive, every
     * digest kept). The archive's timestamps are fixed, so the same image gives the same bytes.
     */
    public static Path save(ImageStore store, String name, ArchiveFormat format, Path archive) {
        try (OutputStream out = Files.newOutputStream(archive)) {
            new ImageArchiveWriter(store, MTIME).save(List.of(name), format, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + archive, e);
        }
        return archive;
    }

    /** Unpacks a stored image's layers, in order, into the directory {@code rootfs} (created), owners applied. */
    public static Path unpack(ImageStore store, String name, Path rootfs) {
        Image image = store.resolve(name);
        try {
            Files.createDirectories(rootfs);
            for (Descriptor layer : image.manifest().layers()) {
                try (InputStream in = store.content().open(layer.digest())) {
                    LayerExtractor.extract(in, rootfs, ExtractOptions.defaults());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + name + " into " + rootfs, e);
        }
        return rootfs;
    }
}
