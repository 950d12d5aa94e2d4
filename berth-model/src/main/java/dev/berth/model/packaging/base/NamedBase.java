package dev.berth.model.packaging.base;

import dev.berth.model.ModelException;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.layer.Compressors;
import dev.berth.oci.layer.TarEntry;
import dev.berth.oci.layer.TarReader;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a base image named with {@code --base} offers the server, read from its layers without running it: whether it
 * has glibc and libstdc++ (which the JVM and ONNX Runtime need), and whether it has a Java {@value Jdk#FEATURE} to run
 * the server with, in which case that Java replaces the jlinked one.
 *
 * @param javaHome the Java {@value Jdk#FEATURE} home in the image ("/opt/java/openjdk"), or null when it has none
 * @param javaModules the modules its {@code release} file lists (empty when it lists none)
 */
public record NamedBase(Image image, String javaHome, String javaVersion, Set<String> javaModules) {
    private static final List<String> LIBC = List.of("lib/x86_64-linux-gnu/libc.so.6", "usr/lib/x86_64-linux-gnu/libc.so.6",
            "lib64/libc.so.6", "usr/lib64/libc.so.6");
    private static final List<String> LOADER = List.of("lib64/ld-linux-x86-64.so.2");
    private static final List<String> LIBSTDCXX = List.of("usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "lib/x86_64-linux-gnu/libstdc++.so.6", "usr/lib64/libstdc++.so.6", "lib64/libstdc++.so.6");

    public boolean hasJava() {
        return javaHome != null;
    }

    /** Reads the image's layers and checks it can carry the server; an unfit base is refused, saying why. */
    public static NamedBase inspect(ImageStore store, Image image, String name) {
        String platform = image.config().os() + "/" + image.config().architecture();
        if (!"linux/amd64".equals(platform)) {
            throw new ModelException("base image " + name + " is for " + platform + "; the model server image is linux/amd64");
        }
        Tree tree = Tree.of(store, image, name);
        if (LOADER.stream().noneMatch(tree::exists) || LIBC.stream().noneMatch(tree::exists)) {
            throw new ModelException("base image " + name + " has no glibc (no /lib64/ld-linux-x86-64.so.2 and libc.so.6): "
                    + "the Java runtime and ONNX Runtime need glibc, so musl or static images such as alpine or busybox "
                    + "cannot be the base");
        }
        if (LIBSTDCXX.stream().noneMatch(tree::exists)) {
            throw new ModelException("base image " + name + " has no libstdc++.so.6, which ONNX Runtime needs");
        }
        List<String> candidates = new ArrayList<>();
        for (String env : image.config().containerConfig().env() == null ? List.<String>of() : image.config().containerConfig().env()) {
            if (env.startsWith("JAVA_HOME=")) {
                candidates.add(env.substring("JAVA_HOME=".length()).replaceAll("^/+|/+$", ""));
            }
        }
        candidates.addAll(tree.javaHomes());
        for (String home : candidates) {
            Optional<String> resolved = tree.resolve(home);
            if (resolved.isEmpty()) {
                continue;
            }
            byte[] release = tree.releases.get(resolved.get() + "/release");
            if (release == null || !tree.exists(resolved.get() + "/bin/java")) {
                continue;
            }
            String text = new String(release, StandardCharsets.UTF_8);
            if (Jdk.FEATURE.equals(Jdk.feature(text))) {
                String modules = Jdk.releaseFields(text).getOrDefault("MODULES", "");
                Set<String> listed = new LinkedHashSet<>(modules.isBlank() ? List.of() : List.of(modules.split("\\s+")));
                return new NamedBase(image, "/" + resolved.get(), Jdk.releaseFields(text).getOrDefault("JAVA_VERSION", "?"), listed);
            }
        }
        return new NamedBase(image, null, null, Set.of());
    }

    /** True when this base's Java has every module the server needs (a full JDK or JRE lists them all). */
    public boolean javaHas(List<String> modules) {
        return hasJava() && (javaModules.isEmpty() || javaModules.containsAll(modules));
    }

    /** The image's files as its layers leave them: kinds, symlink targets and the content of {@code release} files. */
    private static final class Tree {
        private final Map<String, TarEntry> entries = new HashMap<>();
        private final Map<String, byte[]> releases = new HashMap<>();

        static Tree of(ImageStore store, Image image, String name) {
            Tree tree = new Tree();
            for (Descriptor layer : image.manifest().layers()) {
                try (InputStream in = Compressors.decompressDetected(store.content().open(layer.digest()))) {
                    tree.apply(new TarReader(in));
                } catch (IOException | RuntimeException e) {
                    if (e instanceof ModelException m) {
                        throw m;
                    }
                    throw new ModelException("cannot read layer " + layer.digest() + " of base image " + name + ": " + e.getMessage(), e);
                }
            }
            return tree;
        }

        /** One layer: its whiteouts hide what lower layers had, then its entries are added. */
        private void apply(TarReader reader) throws IOException {
            Map<String, TarEntry> added = new HashMap<>();
            Map<String, byte[]> addedReleases = new HashMap<>();
            List<String> hidden = new ArrayList<>();
            List<String> opaque = new ArrayList<>();
            for (TarEntry e; (e = reader.next()) != null; ) {
                String path = DebianBase.normalize(e.name());
                String file = path.substring(path.lastIndexOf('/') + 1);
                String dir = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : "";
                if (file.equals(".wh..wh..opq")) {
                    opaque.add(dir);
                } else if (file.startsWith(".wh.")) {
                    hidden.add((dir.isEmpty() ? "" : dir + "/") + file.substring(4));
                } else if (!path.isEmpty()) {
                    added.put(path, e);
                    if (file.equals("release") && e.isRegularFile() && e.size() < 65536) {
                        addedReleases.put(path, reader.content().readAllBytes());
                    }
                }
            }
            for (String gone : hidden) {
                remove(gone, true);
            }
            for (String dir : opaque) {
                remove(dir, false);
            }
            entries.putAll(added);
            releases.putAll(addedReleases);
        }

        private void remove(String path, boolean itself) {
            String prefix = path + "/";
            entries.keySet().removeIf(p -> (itself && p.equals(path)) || p.startsWith(prefix));
            releases.keySet().removeIf(p -> (itself && p.equals(path)) || p.startsWith(prefix));
        }

        boolean exists(String path) {
            return resolve(path).isPresent();
        }

        /** Directories holding both {@code release} and {@code bin/java}. */
        List<String> javaHomes() {
            return releases.keySet().stream().map(p -> p.contains("/") ? p.substring(0, p.lastIndexOf('/')) : "")
                    .filter(home -> !home.isEmpty() && entries.containsKey(home + "/bin/java")).sorted().toList();
        }

        /** The path with every symlink on the way followed, if it leads to something. */
        Optional<String> resolve(String path) {
            String current = "";
            List<String> rest = new ArrayList<>(List.of(path.replaceAll("^/+", "").split("/")));
            for (int hops = 0; !rest.isEmpty(); ) {
                String part = rest.removeFirst();
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (part.equals("..")) {
                    current = current.contains("/") ? current.substring(0, current.lastIndexOf('/')) : "";
                    continue;
                }
                String next = current.isEmpty() ? part : current + "/" + part;
                TarEntry e = entries.get(next);
                if (e == null) {
                    return Optional.empty();
                }
                if (e.isSymlink()) {
                    if (++hops > 40) {
                        return Optional.empty();
                    }
                    String target = e.linkName();
                    List<String> expanded = new ArrayList<>(List.of(target.replaceAll("^/+", "").split("/")));
                    expanded.addAll(rest);
                    rest = expanded;
                    if (target.startsWith("/")) {
                        current = "";
                    }
                    continue;
                }
                current = next;
            }
            return Optional.of(current);
        }
    }
}
