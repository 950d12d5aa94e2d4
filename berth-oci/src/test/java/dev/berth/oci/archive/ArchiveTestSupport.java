package dev.berth.oci.archive;

import dev.berth.oci.image.Descriptor;
import dev.berth.oci.layer.ExtractOptions;
import dev.berth.oci.layer.LayerExtractor;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Saving to and loading from files, and extracting a stored image's layers, for the archive tests. */
final class ArchiveTestSupport {
    private ArchiveTestSupport() {
    }

    static Path save(ImageStore store, ArchiveFormat format, Path file, String... images) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            new ImageArchiveWriter(store).save(List.of(images), format, out);
        }
        return file;
    }

    static List<LoadedImage> load(ImageStore store, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new ImageArchiveReader(store).load(in);
        }
    }

    /** Applies the image's layers, bottom first, onto a new directory. */
    static Path extract(ImageStore store, Image image, Path target) throws IOException {
        Files.createDirectories(target);
        for (Descriptor layer : image.manifest().layers()) {
            try (InputStream in = store.content().open(layer.digest())) {
                LayerExtractor.extract(in, target, ExtractOptions.defaults().withOwnership(false));
            }
        }
        return target;
    }

    static List<String> messages(List<LoadedImage> loaded) {
        return loaded.stream().flatMap(l -> l.messages().stream()).toList();
    }
}
