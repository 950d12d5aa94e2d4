package dev.berth.model.packaging;

import dev.berth.model.ModelException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.layer.LayerEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The model server layer: the server's jars under {@link ImageLayout#SERVER_LIB} with foreign natives taken out, and
 * ONNX Runtime's linux-x64 libraries under {@link ImageLayout#SERVER_NATIVE}.
 */
final class ServerLayer {
    /** Bump when what goes into the layer changes, so cached layers of the old recipe are not reused. */
    private static final String RECIPE = "berth-model-server-layer/1";
    private static final List<String> ORT_LIBRARIES = List.of("libonnxruntime.so", "libonnxruntime4j_jni.so");

    private ServerLayer() {
    }

    /** The layer's entries and what the history should say about them. */
    record Content(List<LayerEntry> entries, String createdBy, String comment) {
    }

    /** A digest of everything that goes into the layer: the cache key. */
    static String key(ServerDistribution server) {
        MessageDigest digest = Digest.newMessageDigest("sha256");
        digest.update(RECIPE.getBytes(StandardCharsets.UTF_8));
        for (ServerDistribution.ServerJar jar : server.jars()) {
            digest.update((jar.name() + "\n").getBytes(StandardCharsets.UTF_8));
            Hashing.update(digest, jar.path());
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    static Content content(ServerDistribution server, Path workDir) {
        List<LayerEntry> entries = new ArrayList<>(LayerEntries.directories(ImageLayout.SERVER_LIB));
        entries.addAll(LayerEntries.directories(ImageLayout.SERVER_NATIVE));
        String lib = ImageLayout.SERVER_LIB.substring(1);
        String nativeDir = ImageLayout.SERVER_NATIVE.substring(1);
        List<Path> natives = new ArrayList<>();
        String runtimeJar = null;
        long jarBytes = 0;
        for (ServerDistribution.ServerJar jar : server.jars()) {
            Path source = jar.isDirectory() ? jarOf(jar.path(), workDir.resolve("dirs").resolve(jar.name())) : jar.path();
            JarSlimmer.Slimmed slimmed = JarSlimmer.slim(source, workDir.resolve("slim-" + entries.size()));
            if (!slimmed.natives().isEmpty()) {
                runtimeJar = jar.name();
                natives.addAll(slimmed.natives());
            }
            entries.add(LayerEntry.file(lib + "/" + jar.name(), slimmed.jar(), 0644));
            jarBytes += size(slimmed.jar());
        }
        List<String> names = natives.stream().map(p -> p.getFileName().toString()).sorted().toList();
        if (!names.containsAll(ORT_LIBRARIES)) {
            throw new ModelException("ONNX Runtime's linux-x64 libraries (" + String.join(", ", ORT_LIBRARIES)
                    + ") are not in any of the server's jars; is com.microsoft.onnxruntime:onnxruntime on berth-model's class path?");
        }
        for (Path so : natives) {
            entries.add(LayerEntry.file(nativeDir + "/" + so.getFileName(), so, 0755));
        }
        String createdBy = "berth model package: model server (" + server.jars().size() + " jars, ONNX Runtime natives from "
                + runtimeJar + ")";
        String comment = "class path " + server.classPath(ImageLayout.SERVER_LIB) + "; natives " + String.join(", ", names)
                + " in " + ImageLayout.SERVER_NATIVE + "; foreign-platform natives removed; " + jarBytes + " bytes of jars";
        return new Content(LayerEntries.merged(entries), createdBy, comment);
    }

    /** A classes directory (a reactor build) as a jar: entries sorted, fixed times, so the same classes give the same jar. */
    private static Path jarOf(Path classes, Path out) {
        try {
            Files.createDirectories(out.getParent());
            List<Path> files;
            try (Stream<Path> walk = Files.walk(classes)) {
                files = walk.filter(p -> !p.equals(classes)).sorted().toList();
            }
            try (OutputStream file = Files.newOutputStream(out); ZipOutputStream zip = new ZipOutputStream(file)) {
                for (Path p : files) {
                    String name = classes.relativize(p).toString().replace('\\', '/') + (Files.isDirectory(p) ? "/" : "");
                    ZipEntry entry = new ZipEntry(name);
                    entry.setTimeLocal(LocalDateTime.of(2026, 1, 1, 0, 0));
                    zip.putNextEntry(entry);
                    if (Files.isRegularFile(p)) {
                        Files.copy(p, zip);
                    }
                    zip.closeEntry();
                }
            }
            return out;
        } catch (IOException e) {
            throw new ModelException("cannot put the classes in " + classes + " into a jar: " + e.getMessage(), e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
