package dev.berth.build.engine;

import dev.berth.build.BuildException;
import dev.berth.build.cache.CacheKey;
import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import dev.berth.registry.RegistryException;
import dev.berth.registry.client.ClientOptions;
import dev.berth.registry.client.RegistryClient;
import dev.berth.registry.client.TransferListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Base images of a build (FROM, COPY --from=image, RUN --mount from=image): from the store, else pulled; with
 * {@code --pull} every reference is resolved again at its registry; a reference a lock file pins is taken by its
 * digest. Each reference and platform is resolved once per build, whichever stage asks first.
 */
final class BaseImages {
    private final ImageStore store;
    private final Lease lease;
    private final boolean pull;
    private final Map<String, String> pins;
    private final Map<String, StageResult> resolved = new ConcurrentHashMap<>();

    BaseImages(ImageStore store, Lease lease, boolean pull, Map<String, String> pins) {
        this.store = store;
        this.lease = lease;
        this.pull = pull;
        this.pins = pins;
    }

    /** The image as a stage's starting point. {@code where} prefixes errors ("Dockerfile:3:1: FROM busybox"). */
    StageResult resolve(String reference, Platform platform, String where) {
        return resolved.computeIfAbsent(reference + "|" + platform, k -> load(reference, platform, where));
    }

    private StageResult load(String text, Platform platform, String where) {
        Reference reference;
        try {
            reference = Reference.parse(text);
        } catch (OciException e) {
            throw new BuildException(where + ": invalid image reference: " + e.getMessage(), e);
        }
        String pinned = pins.get(reference.toString());
        if (pinned != null) {
            reference = reference.withDigest(Digest.parse(pinned));
        }
        Trace.mark("base: parsed reference");
        Image image = pull ? null : find(reference, platform, where).orElse(null);
        Trace.mark("base: found");
        if (image == null) {
            image = pullImage(reference, platform, where);
        }
        List<String> diffIds = image.config().diffIds();
        List<Descriptor> blobs = image.manifest().layers();
        if (diffIds.size() != blobs.size()) {
            throw new BuildException(where + ": the image " + reference.familiar() + " is damaged: its config lists "
                    + diffIds.size() + " layers, its manifest " + blobs.size());
        }
        List<LayerRef> layers = new ArrayList<>();
        for (int i = 0; i < blobs.size(); i++) {
            if (!lease.holdIfPresent(blobs.get(i).digest())) {
                throw new BuildException(where + ": layer " + blobs.get(i).digest() + " of " + reference.familiar()
                        + " is missing from the store");
            }
            layers.add(new LayerRef(blobs.get(i), diffIds.get(i)));
        }
        Trace.mark("base: layers held");
        ImageConfig config = image.config();
        Platform imagePlatform = new Platform(config.architecture() == null ? platform.architecture() : config.architecture(),
                config.os() == null ? platform.os() : config.os(), null, null, config.variant());
        if (!imagePlatform.os().equals(platform.os()) || !imagePlatform.architecture().equals(platform.architecture())) {
            throw new BuildException(where + ": the image " + reference.familiar() + " is for " + imagePlatform
                    + ", not for the platform " + platform + " the build asks for");
        }
        String key = CacheKey.of("from").part("manifest", image.manifestDescriptor().digest().toString()).finish();
        return new StageResult(config.containerConfig(), config.author(), imagePlatform, config.history(), layers, key,
                config.created());
    }

    private Optional<Image> find(Reference reference, Platform platform, String where) {
        Optional<Image> found;
        try {
            found = store.find(reference.toString());
        } catch (OciException e) {
            throw new BuildException(where + ": " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            return found;
        }
        Image image = found.get();
        if (MediaTypes.isIndex(image.root().mediaType()) && !platform.equals(Platform.host())) {
            Descriptor chosen = ImageStore.choosePlatform(store.readIndex(image.root().digest()), platform)
                    .orElseThrow(() -> new BuildException(where + ": the image " + reference.familiar()
                            + " has no manifest for " + platform));
            return Optional.of(store.find(reference.repositoryOnly().withDigest(chosen.digest()).toString())
                    .orElse(image));
        }
        return found;
    }

    private Image pullImage(Reference reference, Platform platform, String where) {
        try (RegistryClient client = new RegistryClient(ClientOptions.defaults().withPlatform(platform))) {
            client.pull(store, reference, TransferListener.none());
        } catch (RegistryException | OciException e) {
            throw new BuildException(where + ": the base image " + reference.familiar()
                    + " is not in the store and cannot be pulled: " + e.getMessage(), e);
        }
        return find(reference, platform, where).orElseThrow(() -> new BuildException(where + ": the base image "
                + reference.familiar() + " was pulled but is not in the store"));
    }
}
