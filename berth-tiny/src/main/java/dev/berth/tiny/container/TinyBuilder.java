package dev.berth.tiny.container;

import dev.berth.oci.OciException;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.json.Json;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import dev.berth.tiny.TinyException;
import dev.berth.tiny.pipeline.Runefile;
import dev.berth.tiny.pipeline.Stage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a tiny container: reads the build file, checks the graph, computes flash and RAM (refusing a container
 * that does not fit the device), then writes the artifact to the store and tags it. Nothing is tagged unless every
 * check passed; blobs written before a failure stay unnamed and garbage collection removes them.
 */
public final class TinyBuilder {
    private final ImageStore store;

    public TinyBuilder(ImageStore store) {
        this.store = store;
    }

    /**
     * @param buildFile the Tinyfile or Runefile.yml
     * @param contextDir where the file's relative paths (models, blocks, resources) are resolved
     * @param tag NAME:VERSION
     * @param device the profile to check against, or null for no check
     */
    public BuildResult build(Path buildFile, Path contextDir, String tag, DeviceProfile device) {
        Reference reference;
        try {
            reference = Reference.parse(tag);
        } catch (OciException e) {
            throw new TinyException("invalid tag '" + tag + "': " + e.getMessage());
        }
        if (reference.digest() != null) {
            throw new TinyException("invalid tag '" + tag + "': give NAME:VERSION, not a digest");
        }
        if (reference.tag() == null) {
            reference = reference.withTag("latest");
        }
        byte[] buildBytes = readFile(buildFile, "the build file");
        Path dir = contextDir.toAbsolutePath().normalize();
        Runefile runefile = Runefile.parse(buildBytes, buildFile.getFileName().toString(), dir);
        CheckedPipeline checked = PipelineChecker.check(runefile.stages(), (stage, path) -> readStageFile(dir, stage, path));

        try (Lease lease = store.lease()) {
            List<Descriptor> layers = new ArrayList<>();
            layers.add(lease.put(TinyMediaTypes.BUILD_FILE, buildBytes)
                    .withAnnotations(Map.of(TinyMediaTypes.ANNOTATION_TITLE, buildFile.getFileName().toString())));
            Map<String, String> layerOf = new HashMap<>();
            Map<String, Descriptor> written = new LinkedHashMap<>();
            for (Stage s : checked.pipeline().stages()) {
                byte[] bytes = checked.files().get(s.name());
                if (bytes == null) {
                    continue;
                }
                String path = s instanceof Stage.Model m ? m.path() : ((Stage.ProcBlock) s).block();
                String mediaType = s instanceof Stage.Model ? TinyMediaTypes.MODEL : TinyMediaTypes.WASM_BLOCK;
                Descriptor d = written.get(mediaType + path);
                if (d == null) {
                    d = lease.put(mediaType, bytes).withAnnotations(Map.of(TinyMediaTypes.ANNOTATION_TITLE, path));
                    written.put(mediaType + path, d);
                    layers.add(d);
                }
                layerOf.put(s.name(), d.digest().toString());
            }
            ResourceEstimate ramOnly = ResourceEstimate.of(checked, 0);
            TinyConfig config = new TinyConfig(TinyConfig.SCHEMA_VERSION, device == null ? null : device.name(),
                    ramOnly.ramBytes(), checked.pipeline().stages().stream()
                    .map(s -> TinyConfig.record(s, layerOf.get(s.name()))).toList());
            byte[] configBytes = Json.canonicalBytes(config);
            long contentBytes = configBytes.length + layers.stream().mapToLong(Descriptor::size).sum();

            // The manifest carries the flash figure that includes its own size: settle it in a few rounds.
            long flash = contentBytes;
            byte[] manifestBytes = null;
            for (int round = 0; round < 4; round++) {
                manifestBytes = Json.canonicalBytes(manifest(configBytes, layers, flash, ramOnly.ramBytes(), device));
                if (contentBytes + manifestBytes.length == flash) {
                    break;
                }
                flash = contentBytes + manifestBytes.length;
            }
            ResourceEstimate estimate = ResourceEstimate.of(checked, flash);
            if (device != null) {
                estimate.requireFits(device, checked.arenaBytes());
            }
            Descriptor configDescriptor = lease.put(TinyMediaTypes.CONFIG, configBytes);
            Manifest manifest = manifest(configBytes, layers, flash, ramOnly.ramBytes(), device);
            if (!configDescriptor.digest().equals(manifest.config().digest())) {
                throw new IllegalStateException("config digest changed while writing");
            }
            Descriptor manifestDescriptor = lease.put(MediaTypes.OCI_MANIFEST, Json.canonicalBytes(manifest));
            store.tag(reference, manifestDescriptor);
            return new BuildResult(reference.toString(), manifestDescriptor, estimate, checked);
        } catch (OciException e) {
            throw new TinyException("cannot store the tiny container: " + e.getMessage(), e);
        }
    }

    private static Manifest manifest(byte[] configBytes, List<Descriptor> layers, long flash, long ram, DeviceProfile device) {
        Descriptor config = Descriptor.of(TinyMediaTypes.CONFIG, dev.berth.oci.digest.Digest.sha256(configBytes), configBytes.length);
        Map<String, String> annotations = new TreeMap<>();
        annotations.put(TinyMediaTypes.ANNOTATION_FLASH, Long.toString(flash));
        annotations.put(TinyMediaTypes.ANNOTATION_RAM, Long.toString(ram));
        if (device != null) {
            annotations.put(TinyMediaTypes.ANNOTATION_DEVICE, device.name());
        }
        return new Manifest(2, MediaTypes.OCI_MANIFEST, TinyMediaTypes.CONFIG, config, layers, null, annotations);
    }

    private static byte[] readStageFile(Path dir, Stage stage, String path) {
        Path file = dir.resolve(path).normalize();
        if (stage instanceof Stage.ProcBlock && !Files.isRegularFile(file) && !path.endsWith(".wasm")) {
            // Rune names a block by its directory ("./identity"): Berth takes the compiled module beside it
            Path wasm = dir.resolve(path + ".wasm").normalize();
            if (Files.isRegularFile(wasm)) {
                file = wasm;
            } else {
                throw new TinyException("stage '" + stage.name() + "': proc block '" + path + "' not found: expected "
                        + dir.relativize(wasm) + " (a compiled WebAssembly module) in " + dir);
            }
        }
        if (!file.startsWith(dir)) {
            throw new TinyException("stage '" + stage.name() + "': '" + path + "' lies outside the build directory " + dir);
        }
        if (!Files.isRegularFile(file)) {
            throw new TinyException("stage '" + stage.name() + "': file '" + path + "' not found in " + dir);
        }
        return readFile(file, "stage '" + stage.name() + "' file");
    }

    private static byte[] readFile(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TinyException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }
}
