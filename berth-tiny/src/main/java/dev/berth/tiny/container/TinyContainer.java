package dev.berth.tiny.container;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.json.Json;
import dev.berth.oci.store.ContentStore;
import dev.berth.oci.store.ImageStore;
import dev.berth.tiny.TinyException;
import dev.berth.tiny.pipeline.Stage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A tiny container read back from its blobs: the checked pipeline with its models and blocks. Every blob is checked
 * against its digest on the way in, so a corrupt store or download is refused, never run.
 *
 * @param manifestDigest the digest that identifies this exact container
 */
public record TinyContainer(Digest manifestDigest, Manifest manifest, TinyConfig config, CheckedPipeline pipeline) {

    /** Loads a tiny container by name, digest or ID from the store. */
    public static TinyContainer load(ImageStore store, String reference) {
        Descriptor root;
        try {
            root = store.resolve(reference).manifestDescriptor();
        } catch (OciException e) {
            throw new TinyException(e.getMessage());
        }
        ContentStore content = store.content();
        return fromBlobs(root.digest(), digest -> {
            try {
                return content.read(digest);
            } catch (OciException e) {
                throw new TinyException("blob " + digest + " of " + reference + " is missing: " + e.getMessage());
            }
        });
    }

    /** Reads a container from any blob source (a store, a device's slot); each blob is verified against its digest. */
    public static TinyContainer fromBlobs(Digest manifestDigest, Function<Digest, byte[]> blobs) {
        byte[] manifestBytes = verified(manifestDigest, blobs, "manifest");
        Manifest manifest;
        TinyConfig config;
        try {
            manifest = Json.read(manifestBytes, Manifest.class, "tiny container manifest");
            if (manifest.config() == null || !TinyMediaTypes.CONFIG.equals(manifest.config().mediaType())) {
                throw new TinyException("image " + manifestDigest + " is not a tiny container (its config is "
                        + (manifest.config() == null ? "missing" : manifest.config().mediaType()) + ")");
            }
            config = Json.read(verified(manifest.config().digest(), blobs, "config"), TinyConfig.class, "tiny container config");
        } catch (OciException e) {
            throw new TinyException(e.getMessage());
        }
        if (config.schemaVersion() != TinyConfig.SCHEMA_VERSION) {
            throw new TinyException("tiny container " + manifestDigest + " has config schema " + config.schemaVersion()
                    + "; this Berth reads schema " + TinyConfig.SCHEMA_VERSION);
        }
        Map<String, String> layerOf = new HashMap<>();
        config.stages().forEach(r -> {
            if (r.layer() != null) {
                layerOf.put(r.name(), r.layer());
            }
        });
        List<Digest> listed = manifest.layers().stream().map(Descriptor::digest).toList();
        List<Stage> stages = config.stages().stream().map(TinyConfig::stage).toList();
        CheckedPipeline checked = PipelineChecker.check(stages, (stage, path) -> {
            String layer = layerOf.get(stage.name());
            if (layer == null) {
                throw new TinyException("stage '" + stage.name() + "': the container's config names no layer for " + path);
            }
            Digest digest = Digest.parse(layer);
            if (!listed.contains(digest)) {
                throw new TinyException("stage '" + stage.name() + "': layer " + layer + " is not in the manifest");
            }
            return verified(digest, blobs, "layer " + path);
        });
        return new TinyContainer(manifestDigest, manifest, config, checked);
    }

    private static byte[] verified(Digest digest, Function<Digest, byte[]> blobs, String what) {
        byte[] bytes = blobs.apply(digest);
        if (!Digest.sha256(bytes).equals(digest)) {
            throw new TinyException("the " + what + " is corrupt: its content does not match digest " + digest);
        }
        return bytes;
    }

    public long flashBytes() {
        String v = manifest.annotations() == null ? null : manifest.annotations().get(TinyMediaTypes.ANNOTATION_FLASH);
        return v == null ? 0 : Long.parseLong(v);
    }

    /** What the container needs on a device: the flash recorded at build, the RAM of its checked pipeline. */
    public ResourceEstimate estimate() {
        return ResourceEstimate.of(pipeline, flashBytes());
    }
}
