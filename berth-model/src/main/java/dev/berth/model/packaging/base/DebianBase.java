package dev.berth.model.packaging.base;

import dev.berth.model.ModelException;
import dev.berth.model.packaging.Command;
import dev.berth.model.packaging.Hashing;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.layer.TarEntry;
import dev.berth.oci.layer.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A distroless-style base: the files of the few Debian packages the Java runtime and ONNX Runtime load (glibc,
 * libgcc, libstdc++), without their documentation (copyright files stay), man pages, locales and iconv modules; a
 * {@code nonroot} user (65532) to run as; {@code /tmp}; and dpkg's per-package status files so scanners can tell which
 * package versions the image carries. No shell, no package manager: nothing runs in it but the server.
 */
public final class DebianBase {
    /** What the runtime links against: libc/libm/libdl/libpthread/librt, libgcc_s and libstdc++ (for ONNX Runtime). */
    public static final List<String> PACKAGES = List.of("libc6", "libgcc-s1", "libstdc++6");
    /** Bump when the recipe below changes, so a cached base of the old recipe is not reused. */
    static final String RECIPE = "berth-model-debian-base/1";

    /** Paths dropped from the packages: none of it is read at run time. */
    private static final List<String> DROPPED = List.of("usr/share/man", "usr/share/info", "usr/share/lintian",
            "usr/share/locale", "usr/share/gdb", "usr/share/gcc", "usr/lib/x86_64-linux-gnu/gconv");

    static final String PASSWD = """
            root:x:0:0:root:/root:/sbin/nologin
            nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
            nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
            """;
    static final String GROUP = """
            root:x:0:
            nobody:x:65534:
            nonroot:x:65532:
            """;
    static final String NSSWITCH = """
            passwd: files
            group: files
            shadow: files
            hosts: files dns
            """;

    private DebianBase() {
    }

    /** The layer's entries and the packages they came from. */
    public record Content(List<LayerEntry> entries, List<DebPackage> packages) {
    }

    /** The cache key of a base made from these packages by this recipe. */
    public static String key(List<DebPackage> packages) {
        StringBuilder text = new StringBuilder(RECIPE).append('\n').append(DROPPED).append('\n')
                .append(PASSWD).append(GROUP).append(NSSWITCH).append(osRelease());
        for (DebPackage p : packages) {
            text.append(p.name()).append(' ').append(p.version()).append(' ').append(p.sha256()).append('\n');
        }
        return Hashing.sha256(text.toString());
    }

    /** Reads the downloaded packages ({@code debs}, in the order of {@code packages}) into layer entries. */
    public static Content content(List<DebPackage> packages, List<Path> debs, Path workDir) {
        Map<String, LayerEntry> entries = new LinkedHashMap<>();
        for (int i = 0; i < packages.size(); i++) {
            DebPackage pkg = packages.get(i);
            Path deb = debs.get(i);
            readPackage(pkg, deb, workDir, entries);
            String control = Command.output(List.of("dpkg-deb", "-f", deb.toString()), null, 60,
                    "read the control file of " + deb.getFileName());
            add(entries, LayerEntry.directory("var", 0755));
            add(entries, LayerEntry.directory("var/lib", 0755));
            add(entries, LayerEntry.directory("var/lib/dpkg", 0755));
            add(entries, LayerEntry.directory("var/lib/dpkg/status.d", 0755));
            add(entries, LayerEntry.file("var/lib/dpkg/status.d/" + pkg.name(), control.getBytes(StandardCharsets.UTF_8), 0644));
        }
        add(entries, LayerEntry.directory("etc", 0755));
        add(entries, LayerEntry.file("etc/passwd", PASSWD.getBytes(StandardCharsets.UTF_8), 0644));
        add(entries, LayerEntry.file("etc/group", GROUP.getBytes(StandardCharsets.UTF_8), 0644));
        add(entries, LayerEntry.file("etc/nsswitch.conf", NSSWITCH.getBytes(StandardCharsets.UTF_8), 0644));
        String osRelease = osRelease();
        if (!osRelease.isEmpty()) {
            add(entries, LayerEntry.file("etc/os-release", osRelease.getBytes(StandardCharsets.UTF_8), 0644));
        }
        add(entries, LayerEntry.directory("tmp", 01777));
        add(entries, LayerEntry.directory("root", 0700));
        add(entries, LayerEntry.directory("home", 0755));
        add(entries, LayerEntry.directory("home/nonroot", 0700).withOwner(65532, 65532));
        return new Content(new ArrayList<>(entries.values()), packages);
    }

    /**
     * The host's os-release: the packages come from the archive the host's apt is configured for, which this names,
     * so scanners that read it next to dpkg's status files look the versions up in the right distribution.
     */
    static String osRelease() {
        for (Path p : List.of(Path.of("/etc/os-release"), Path.of("/usr/lib/os-release"))) {
            try {
                return Files.readString(p);
            } catch (IOException e) {
                // try the next
            }
        }
        return "";
    }

    private static void readPackage(DebPackage pkg, Path deb, Path workDir, Map<String, LayerEntry> entries) {
        Path tar = workDir.resolve(pkg.name() + ".tar");
        try {
            Files.createDirectories(workDir);
            Process process = new ProcessBuilder("dpkg-deb", "--fsys-tarfile", deb.toString())
                    .redirectOutput(tar.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new ModelException("cannot unpack " + deb + ": dpkg-deb --fsys-tarfile exited with " + process.exitValue()
                        + (err.isBlank() ? "" : ": " + err.strip()));
            }
            try (InputStream in = Files.newInputStream(tar)) {
                TarReader reader = new TarReader(in);
                for (TarEntry e; (e = reader.next()) != null; ) {
                    String path = normalize(e.name());
                    if (path.isEmpty() || dropped(path)) {
                        continue;
                    }
                    LayerEntry entry;
                    if (e.isDirectory()) {
                        entry = LayerEntry.directory(path, e.mode());
                    } else if (e.isSymlink()) {
                        entry = LayerEntry.symlink(path, e.linkName());
                    } else if (e.isHardLink()) {
                        entry = LayerEntry.hardLink(path, normalize(e.linkName()));
                    } else if (e.isRegularFile()) {
                        entry = LayerEntry.file(path, reader.content().readAllBytes(), e.mode());
                    } else {
                        throw new ModelException(deb.getFileName() + " holds " + e.typeName() + " '" + path
                                + "', which a base layer has no use for");
                    }
                    add(entries, entry.withOwner(e.uid(), e.gid()));
                }
            }
        } catch (IOException e) {
            throw new ModelException("cannot unpack " + deb + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException("interrupted while unpacking " + deb, e);
        } finally {
            try {
                Files.deleteIfExists(tar);
            } catch (IOException ignored) {
                // the work directory goes as a whole
            }
        }
    }

    /** "./usr/lib/" → "usr/lib"; "." → "". */
    static String normalize(String tarName) {
        String path = tarName;
        while (path.startsWith("./")) {
            path = path.substring(2);
        }
        if (path.equals(".")) {
            return "";
        }
        return path.replaceAll("^/+|/+$", "");
    }

    static boolean dropped(String path) {
        for (String prefix : DROPPED) {
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return true;
            }
        }
        // Documentation goes, licences stay: usr/share/doc/PACKAGE/copyright (and the directories holding it).
        if (path.startsWith("usr/share/doc/")) {
            String rest = path.substring("usr/share/doc/".length());
            return rest.contains("/") && !rest.endsWith("/copyright");
        }
        return false;
    }

    private static void add(Map<String, LayerEntry> entries, LayerEntry entry) {
        LayerEntry previous = entries.putIfAbsent(entry.path(), entry);
        if (previous != null && !(previous.kind() == LayerEntry.Kind.DIRECTORY && entry.kind() == LayerEntry.Kind.DIRECTORY)) {
            throw new ModelException("two Debian packages of the base both ship '" + entry.path() + "'");
        }
    }
}
