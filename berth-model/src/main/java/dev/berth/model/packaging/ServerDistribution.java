package dev.berth.model.packaging;

import dev.berth.model.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model server's class path as it goes into the image: berth-model's own jar and the runtime dependencies its
 * build listed ({@code META-INF/berth/model-server.classpath}, written by Maven), found on the class path of the JVM
 * running Berth. That works wherever Berth runs from: the launcher's {@code target/lib}, Maven's repository in tests,
 * or a reactor build's {@code target/classes} directories (which are put into a jar when the layer is made).
 *
 * @param jars in class path order, berth-model's first
 */
public record ServerDistribution(List<ServerJar> jars) {
    static final String CLASSPATH_RESOURCE = "META-INF/berth/model-server.classpath";
    /** berth-model's jar in the image: one fixed name, whatever version or form it has on the host. */
    static final String OWN_JAR = "berth-model.jar";

    /**
     * One jar of the server.
     *
     * @param name its file name in the image
     * @param path where it is on this host: a jar, or a directory of classes
     */
    public record ServerJar(String name, Path path) {
        public boolean isDirectory() {
            return Files.isDirectory(path);
        }
    }

    public ServerDistribution {
        jars = List.copyOf(jars);
    }

    /** Finds the server's jars on the class path of this JVM. */
    public static ServerDistribution locate() {
        ClassLoader loader = ServerDistribution.class.getClassLoader();
        List<String> names = listedJars(loader);
        Map<String, Path> jarsByName = new LinkedHashMap<>();
        Map<String, Path> classDirsByModule = new LinkedHashMap<>();
        for (Path entry : classPathEntries(loader)) {
            if (Files.isDirectory(entry)) {
                // A module's classes in a reactor build: MODULE/target/classes.
                Path target = entry.getParent();
                if (entry.getFileName() != null && entry.getFileName().toString().equals("classes") && target != null
                        && target.getParent() != null && target.getParent().getFileName() != null) {
                    classDirsByModule.putIfAbsent(target.getParent().getFileName().toString(), entry);
                }
            } else if (entry.getFileName() != null) {
                jarsByName.putIfAbsent(entry.getFileName().toString(), entry);
            }
        }
        List<ServerJar> jars = new ArrayList<>();
        jars.add(new ServerJar(OWN_JAR, codeSource(ServerDistribution.class)));
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            Path found = jarsByName.get(name);
            if (found == null) {
                found = classDirsByModule.entrySet().stream()
                        .filter(m -> name.startsWith(m.getKey() + "-") && name.substring(m.getKey().length() + 1).matches("\\d.*\\.jar"))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
            }
            if (found == null) {
                missing.add(name);
            } else {
                jars.add(new ServerJar(name, found));
            }
        }
        if (!missing.isEmpty()) {
            throw new ModelException("the model server's jar(s) " + String.join(", ", missing) + " are not on Berth's class "
                    + "path, so they cannot go into the image; rebuild Berth (./mvnw -pl berth-cli -am package)");
        }
        return new ServerDistribution(jars);
    }

    /** True when berth-model's jar holds the server's main class (the image's entrypoint). */
    public boolean hasMainClass() {
        Path own = jars.getFirst().path();
        String entry = ImageLayout.MAIN_CLASS.replace('.', '/') + ".class";
        if (Files.isDirectory(own)) {
            return Files.isRegularFile(own.resolve(entry));
        }
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(own.toFile())) {
            return zip.getEntry(entry) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The image's class path: each jar under {@code libDir}, in order. */
    public String classPath(String libDir) {
        return String.join(":", jars.stream().map(j -> libDir + "/" + j.name()).toList());
    }

    private static List<String> listedJars(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new ModelException("berth-model was built without its server class path list (" + CLASSPATH_RESOURCE
                        + "); rebuild Berth with Maven (./mvnw -pl berth-cli -am package)");
            }
            List<String> names = new ArrayList<>();
            for (String item : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().split(":")) {
                String name = item.strip().replaceFirst("^lib/", "");
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
            return names;
        } catch (IOException e) {
            throw new ModelException("cannot read " + CLASSPATH_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every jar and classes directory the loader reads from. {@code java -jar} and Surefire both put the real class
     * path in a manifest's Class-Path, which java.class.path does not show, so the loader is asked too: every jar has
     * a manifest, every classes directory of Berth has {@code dev/berth}.
     */
    private static List<Path> classPathEntries(ClassLoader loader) {
        List<Path> entries = new ArrayList<>();
        for (String item : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (!item.isBlank()) {
                entries.add(Path.of(item).toAbsolutePath().normalize());
            }
        }
        try {
            for (URL url : Collections.list(loader.getResources("META-INF/MANIFEST.MF"))) {
                fromResource(url, "META-INF/MANIFEST.MF").ifPresent(entries::add);
            }
            for (URL url : Collections.list(loader.getResources("dev/berth"))) {
                fromResource(url, "dev/berth").ifPresent(entries::add);
            }
        } catch (IOException e) {
            throw new ModelException("cannot list Berth's class path: " + e.getMessage(), e);
        }
        return entries;
    }

    /** The jar or directory a resource URL was found in. */
    private static java.util.Optional<Path> fromResource(URL url, String resource) {
        try {
            String text = url.toString();
            if (text.startsWith("jar:file:")) {
                String file = text.substring("jar:".length(), text.indexOf("!/"));
                return java.util.Optional.of(Path.of(new java.net.URI(file)));
            }
            if (text.startsWith("file:")) {
                Path path = Path.of(url.toURI());
                for (int i = 0; i < resource.split("/").length; i++) {
                    path = path.getParent();
                }
                return java.util.Optional.ofNullable(path);
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            // not a local file: cannot be copied into an image anyway
        }
        return java.util.Optional.empty();
    }

    private static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new ModelException("cannot tell where berth-model's classes are: " + e, e);
        }
    }
}
