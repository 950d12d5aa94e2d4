package dev.berth.build.lock;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import dev.berth.oci.json.Json;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import dev.berth.registry.RegistryException;
import dev.berth.registry.client.RegistryClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Resolves a reference the way a build finds its base image: from Berth's image store when the store has it for every
 * platform asked for (what the build would use without {@code --pull}), otherwise from the reference's registry, by
 * fetching only the manifest or index (no config, no layers, nothing stored).
 */
public final class StoreThenRegistry implements ImageResolver {
    private final ImageStore store;
    private final RegistryClient client;

    /** @param store null to ask only the registry */
    public StoreThenRegistry(ImageStore store, RegistryClient client) {
        this.store = store;
        this.client = client;
    }

    @Override
    public Resolution resolve(Reference reference, Collection<Platform> platforms) {
        Optional<Resolved> stored = store == null ? Optional.empty() : fromStore(reference, platforms);
        if (stored.isPresent()) {
            return stored.get();
        }
        Optional<RegistryClient.RemoteManifest> remote;
        try {
            remote = client.manifest(reference);
        } catch (RegistryException e) {
            return new Unreachable(e.getMessage());
        }
        if (remote.isEmpty()) {
            return new Missing(reference.familiar() + " was not found in " + reference.domain()
                    + (store == null ? "" : " nor in Berth's image store"));
        }
        RegistryClient.RemoteManifest m = remote.get();
        return manifests(reference, m.descriptor().mediaType(), m.descriptor().digest(), m.bytes(), platforms,
                reference.domain());
    }

    /** The store's answer, when it has the reference for every platform; empty means "ask the registry". */
    private Optional<Resolved> fromStore(Reference reference, Collection<Platform> platforms) {
        try {
            if (reference.digest() != null) {
                Digest digest = reference.digest();
                if (!store.content().contains(digest)) {
                    return Optional.empty();
                }
                byte[] bytes = store.content().read(digest);
                String mediaType = Json.tree(bytes, "manifest " + digest).has("manifests") ? MediaTypes.OCI_INDEX
                        : MediaTypes.OCI_MANIFEST;
                Resolution r = manifests(reference, mediaType, digest, bytes, platforms, "the store");
                return r instanceof Resolved resolved ? Optional.of(resolved) : Optional.empty();
            }
            Optional<Image> found = store.find(reference.toString());
            if (found.isEmpty()) {
                return Optional.empty();
            }
            Image image = found.get();
            Descriptor root = image.root();
            if (MediaTypes.isIndex(root.mediaType())) {
                Resolution r = manifests(reference, root.mediaType(), root.digest(), store.content().read(root.digest()),
                        platforms, "the store");
                return r instanceof Resolved resolved ? Optional.of(resolved) : Optional.empty();
            }
            // One manifest: it serves only the platform its config names (an arm64 build must not get it for amd64).
            Platform own = Platforms.normalize(new Platform(image.config().architecture(), image.config().os(), null,
                    null, image.config().variant()));
            TreeMap<String, Digest> manifests = new TreeMap<>();
            for (Platform p : platforms) {
                if (!matches(own, Platforms.normalize(p))) {
                    return Optional.empty();
                }
                manifests.put(Platforms.format(Platforms.normalize(p)), root.digest());
            }
            return Optional.of(new Resolved(reference, root.digest(), manifests, "the store"));
        } catch (OciException e) {
            return Optional.empty(); // a damaged store entry: the registry may still answer
        }
    }

    private static boolean matches(Platform have, Platform want) {
        return java.util.Objects.equals(have.os(), want.os())
                && java.util.Objects.equals(have.architecture(), want.architecture())
                && (want.variant() == null || have.variant() == null || want.variant().equals(have.variant()));
    }

    /**
     * The manifest of each platform: from an index, the entry {@link ImageStore#choosePlatform} picks (as a pull
     * would); a single manifest serves every platform, as a pull of it would give it whatever the platform.
     */
    private static Resolution manifests(Reference reference, String mediaType, Digest digest, byte[] bytes,
                                        Collection<Platform> platforms, String source) {
        TreeMap<String, Digest> manifests = new TreeMap<>();
        if (MediaTypes.isIndex(mediaType)) {
            Index index;
            try {
                index = Json.read(bytes, Index.class, "image index " + digest);
            } catch (OciException e) {
                return new Unreachable(reference.familiar() + ": " + e.getMessage());
            }
            for (Platform p : platforms) {
                Platform wanted = Platforms.normalize(p);
                Optional<Descriptor> chosen = ImageStore.choosePlatform(index, wanted);
                if (chosen.isEmpty()) {
                    return new Missing(reference.familiar() + " has no manifest for " + Platforms.format(wanted)
                            + " (it has: " + platformsOf(index) + ")");
                }
                manifests.put(Platforms.format(wanted), chosen.get().digest());
            }
        } else {
            for (Platform p : platforms) {
                manifests.put(Platforms.format(Platforms.normalize(p)), digest);
            }
        }
        return new Resolved(reference, digest, manifests, source);
    }

    private static String platformsOf(Index index) {
        List<String> names = new ArrayList<>();
        for (Descriptor d : index.manifests()) {
            if (d.platform() != null) {
                names.add(Platforms.format(d.platform()));
            }
        }
        return names.isEmpty() ? "no platforms" : String.join(", ", names);
    }
}
