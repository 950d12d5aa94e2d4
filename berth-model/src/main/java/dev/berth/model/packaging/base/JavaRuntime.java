package dev.berth.model.packaging.base;

import dev.berth.model.ModelException;
import dev.berth.model.packaging.Command;
import dev.berth.model.packaging.Hashing;
import dev.berth.oci.digest.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The image's Java runtime: {@code jlink} of the modules the server's jars use, without debug attributes, man pages
 * and headers, with a CDS archive of the JDK's default classes so the server starts sooner. The module image is
 * compressed (zip-6): 13 MB less unpacked, and no slower to start, since the classes a start needs come from the CDS
 * archive (measured: java -version 29 ms either way).
 */
public final class JavaRuntime {
    /** jlink's options; part of the cache key. */
    public static final List<String> JLINK_OPTIONS = List.of("--strip-debug", "--no-man-pages", "--no-header-files",
            "--generate-cds-archive", "--compress", "zip-6");

    /**
     * Modules that libraries on the server's class path name only for optional features (java.beans annotations,
     * JDBC date types and DOM nodes in Jackson, which it looks up by name and skips when absent; java.beans helpers in
     * commons-lang3): they cost ~25 MB unpacked and the server never loads them. Berth's own jars may still need them:
     * their modules are always kept.
     */
    static final Set<String> OPTIONAL_FOR_LIBRARIES = Set.of("java.desktop", "java.sql", "java.sql.rowset", "java.xml");

    private JavaRuntime() {
    }

    /**
     * The modules the jars use, by jdeps, cached in {@code cacheDir} by the jars' digests (jdeps takes seconds).
     *
     * @param ownJars the jars whose modules are always kept (Berth's)
     */
    public static List<String> modules(Jdk jdk, List<Path> ownJars, List<Path> libraryJars, Path cacheDir) {
        MessageDigest key = Digest.newMessageDigest("sha256");
        key.update(jdk.release().getBytes(StandardCharsets.UTF_8));
        key.update(OPTIONAL_FOR_LIBRARIES.toString().getBytes(StandardCharsets.UTF_8));
        for (Path jar : ownJars) {
            key.update(("own " + jar.getFileName() + " " + digest(jar) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        for (Path jar : libraryJars) {
            key.update(("lib " + jar.getFileName() + " " + digest(jar) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Path cached = cacheDir.resolve(HexFormat.of().formatHex(key.digest()) + ".modules");
        try {
            if (Files.isRegularFile(cached)) {
                return List.of(Files.readString(cached).strip().split(","));
            }
            // Berth's jars alone (what they use of the libraries is the libraries' business), then the libraries
            // together (they use each other). --list-deps, not --print-module-deps: the reduced list leaves out what
            // a module it names already requires, and that would go with it when an optional module is dropped.
            Set<String> modules = new TreeSet<>(jdeps(jdk, ownJars, List.of()));
            Set<String> libraryModules = new TreeSet<>(jdeps(jdk, libraryJars, libraryJars));
            libraryModules.removeAll(OPTIONAL_FOR_LIBRARIES);
            modules.addAll(libraryModules);
            modules.add("java.base");
            Files.createDirectories(cacheDir);
            Path tmp = Files.createTempFile(cacheDir, "modules", ".tmp");
            Files.writeString(tmp, String.join(",", modules));
            Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return List.copyOf(modules);
        } catch (IOException e) {
            throw new ModelException("cannot cache the Java modules in " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    /** Links the runtime into {@code output} (which must not exist). */
    public static void link(Jdk jdk, List<String> modules, Path output) {
        List<String> argv = new ArrayList<>(List.of(jdk.tool("jlink").toString(), "--add-modules", String.join(",", modules)));
        argv.addAll(JLINK_OPTIONS);
        argv.addAll(List.of("--output", output.toString()));
        Command.output(argv, null, 600, "link the image's Java runtime with jlink");
        try {
            // Only used when the heap is over 32 GB (no compressed oops): a model server's never is. 14 MB saved.
            Files.deleteIfExists(output.resolve("lib/server/classes_nocoops.jsa"));
        } catch (IOException e) {
            throw new ModelException("cannot trim the linked runtime in " + output + ": " + e.getMessage(), e);
        }
    }

    private static List<String> jdeps(Jdk jdk, List<Path> analysed, List<Path> classPath) {
        List<String> argv = new ArrayList<>(List.of(jdk.tool("jdeps").toString(), "--ignore-missing-deps", "--list-deps",
                "--multi-release", Jdk.FEATURE));
        if (!classPath.isEmpty()) {
            argv.addAll(List.of("--class-path", String.join(":", classPath.stream().map(Path::toString).toList())));
        }
        analysed.forEach(p -> argv.add(p.toString()));
        String out = Command.output(argv, null, 600, "find the Java modules the model server uses (jdeps)");
        List<String> modules = new ArrayList<>();
        for (String line : out.lines().toList()) {
            // "java.base", or "java.base/jdk.internal.misc" for an internal package: the module is before the slash
            String module = line.strip().split("/")[0];
            if (module.matches("(java|jdk)\\.[a-z0-9_]+(\\.[a-z0-9_]+)*")) {
                modules.add(module);
            }
        }
        if (modules.isEmpty()) {
            throw new ModelException("jdeps named no Java modules for the model server's jars: " + out.strip());
        }
        return modules;
    }

    private static String digest(Path jar) {
        return Hashing.sha256(jar);
    }
}
