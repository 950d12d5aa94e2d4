package dev.berth.build.lock;

import dev.berth.build.BuildException;
import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.Platform;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.ImageStore;
import dev.berth.registry.client.RegistryClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares a Dockerfile and its inputs now with what {@code berth.lock} pins, and lists every difference as a
 * {@link Drift}, in a fixed order: the Dockerfile, build args, platforms, images (by reference), URLs (by URL).
 */
public final class LockChecker {
    /** How much to verify. */
    public enum Mode {
        /**
         * {@code berth lock --check}: everything, now. Every image is resolved again (store, then registry) and every
         * ADD URL downloaded; what cannot be checked (a registry or URL out of reach) is drift too.
         */
        CHECK,
        /**
         * {@code berth build --locked}: what the build needs before it starts. An image is resolved again when its
         * registry answers; when it does not, the build can still go ahead offline if the store holds the pinned
         * manifest with its config and layers (that is what pinning is for). URLs are not downloaded here: the build
         * downloads them and checks each against {@link LockFile#pinnedUrl}; only URLs the lock lacks are drift.
         */
        BUILD
    }

    private final ImageResolver images;
    private final UrlDigester urls;
    private final ImageStore store;

    /**
     * @param urls used in {@link Mode#CHECK} only (may be null for {@link Mode#BUILD})
     * @param store where {@link Mode#BUILD} looks for pinned manifests when a registry is out of reach; may be null
     */
    public LockChecker(ImageResolver images, UrlDigester urls, ImageStore store) {
        this.images = images;
        this.urls = urls;
        this.store = store;
    }

    /**
     * The checker {@code berth build --locked} uses: images resolved from the store, then the registry; a registry out
     * of reach is no drift when the store holds the pinned manifests; URLs are left to the build (it checks each
     * download against {@link LockFile#pinnedUrl}).
     */
    public static LockChecker forBuild(ImageStore store, RegistryClient client) {
        return new LockChecker(new StoreThenRegistry(store, client), null, store);
    }

    /**
     * For {@code berth build --locked}: reads the lock beside the request's Dockerfile, checks it in {@link Mode#BUILD}
     * and returns it, so the build can take every image and URL from its pins.
     *
     * @throws BuildException when there is no lock, or when anything drifted: the message lists every drift, one a line
     */
    public LockFile verifyForBuild(LockRequest request) {
        Path path = request.lockPath();
        LockFile lock = LockFile.read(path);
        List<Drift> drift = check(lock, request, Mode.BUILD);
        if (!drift.isEmpty()) {
            StringBuilder message = new StringBuilder("the build does not match " + path + " (run `berth lock` to"
                    + " update it, or build without --locked):");
            drift.forEach(d -> message.append("\n  - ").append(d.message()));
            throw new BuildException(message.toString());
        }
        return lock;
    }

    /**
     * What drifted between {@code lock} and the Dockerfile and inputs of {@code request}; empty when the lock holds.
     * Platforms not given in the request default to the lock's own.
     *
     * @throws BuildException when the Dockerfile cannot be read or parsed
     */
    public List<Drift> check(LockFile lock, LockRequest request, Mode mode) {
        if (mode == Mode.CHECK && urls == null) {
            throw new IllegalStateException("a full check downloads ADD URLs: give the checker a UrlDigester");
        }
        List<Drift> drift = new ArrayList<>();
        DockerfileSource source = DockerfileSource.read(request.dockerfile());
        if (!lock.dockerfile().equals(source.name())) {
            drift.add(new Drift(Drift.Kind.DOCKERFILE, source.name(), LockFile.FILE_NAME + " was made for "
                    + lock.dockerfile() + ", not " + source.name()));
        } else if (!lock.dockerfileSha256().equals(source.sha256())) {
            drift.add(new Drift(Drift.Kind.DOCKERFILE, source.name(), source.name() + " changed since "
                    + LockFile.FILE_NAME + " was made: its sha256 is now " + source.sha256() + ", the lock has "
                    + lock.dockerfileSha256()));
        }
        checkBuildArgs(lock, request.buildArgs(), drift);

        List<Platform> platforms = request.platforms().isEmpty()
                ? lock.platforms().stream().map(p -> Platforms.parse(p, LockFile.FILE_NAME)).toList()
                : request.platforms();
        for (String p : Platforms.formatAll(platforms)) {
            if (!lock.platforms().contains(p)) {
                drift.add(new Drift(Drift.Kind.PLATFORM, p, "platform " + p + " is not in " + LockFile.FILE_NAME
                        + " (it was made for " + String.join(", ", lock.platforms()) + ")"));
            }
        }
        boolean allPlatforms = Set.copyOf(Platforms.formatAll(platforms)).containsAll(lock.platforms());

        DockerfileInputs.Inputs inputs = DockerfileInputs.scan(source.parsed(), request.buildArgs(), platforms,
                Platforms.build());
        checkImages(lock, inputs, allPlatforms, mode, drift);
        checkUrls(lock, inputs, allPlatforms, mode, drift);
        return List.copyOf(drift);
    }

    private static void checkBuildArgs(LockFile lock, Map<String, String> now, List<Drift> drift) {
        Set<String> names = new TreeSet<>(lock.buildArgs().keySet());
        names.addAll(now.keySet());
        for (String name : names) {
            String locked = lock.buildArgs().get(name);
            String current = now.get(name);
            if (Objects.equals(locked, current)) {
                continue;
            }
            String message = locked == null ? "build arg " + name + "=" + current + " is given, but "
                    + LockFile.FILE_NAME + " was made without it"
                    : current == null ? "build arg " + name + " is not given, but " + LockFile.FILE_NAME
                    + " was made with " + name + "=" + locked
                    : "build arg " + name + " is " + current + ", but " + LockFile.FILE_NAME + " was made with "
                    + name + "=" + locked;
            drift.add(new Drift(Drift.Kind.BUILD_ARG, name, message));
        }
    }

    private void checkImages(LockFile lock, DockerfileInputs.Inputs inputs, boolean allPlatforms, Mode mode,
                             List<Drift> drift) {
        Map<String, List<Platform>> used = inputs.platformsByImage();
        Map<String, DockerfileInputs.ImageUse> firstUse = inputs.firstUseByImage();
        Set<String> references = new TreeSet<>(used.keySet());
        lock.images().forEach(i -> references.add(i.reference()));
        for (String ref : references) {
            LockedImage locked = lock.images().stream().filter(i -> i.reference().equals(ref)).findFirst().orElse(null);
            List<Platform> platforms = used.get(ref);
            if (platforms == null) {
                if (allPlatforms) {
                    drift.add(new Drift(Drift.Kind.IMAGE_REMOVED, ref, "image " + ref + " is in " + LockFile.FILE_NAME
                            + " but the Dockerfile no longer uses it"));
                }
                continue;
            }
            DockerfileInputs.ImageUse use = firstUse.get(ref);
            if (locked == null) {
                drift.add(new Drift(Drift.Kind.IMAGE_ADDED, ref, "image " + ref + " (" + use.position()
                        + ") is not in " + LockFile.FILE_NAME));
                continue;
            }
            List<Platform> pinned = new ArrayList<>();
            for (Platform p : platforms) {
                String name = Platforms.format(p);
                if (locked.manifests().containsKey(name)) {
                    pinned.add(p);
                } else {
                    drift.add(new Drift(Drift.Kind.IMAGE_ADDED, ref, "image " + ref + " (" + use.position()
                            + ") is used for " + name + ", which " + LockFile.FILE_NAME + " does not pin"));
                }
            }
            if (!pinned.isEmpty()) {
                checkImage(locked, use.reference(), pinned, mode, drift);
            }
        }
    }

    private void checkImage(LockedImage locked, Reference reference, List<Platform> platforms, Mode mode,
                            List<Drift> drift) {
        String ref = locked.reference();
        switch (images.resolve(reference, platforms)) {
            case ImageResolver.Resolved r -> {
                List<String> changes = new ArrayList<>();
                for (Platform p : platforms) {
                    String name = Platforms.format(p);
                    Digest now = r.manifests().get(name);
                    Digest then = locked.manifests().get(name);
                    if (!then.equals(now)) {
                        changes.add(name + " is now " + now + ", " + LockFile.FILE_NAME + " has " + then);
                    }
                }
                if (!changes.isEmpty()) {
                    String top = r.digest().equals(locked.digest()) ? ""
                            : " (it now points at " + r.digest() + ", locked at " + locked.digest() + ")";
                    drift.add(new Drift(Drift.Kind.IMAGE_CHANGED, ref, "image " + ref + " changed" + top + ": "
                            + String.join("; ", changes)));
                }
            }
            case ImageResolver.Missing m -> drift.add(new Drift(Drift.Kind.IMAGE_MISSING, ref, "image " + ref
                    + " cannot be found any more: " + m.reason()));
            case ImageResolver.Unreachable u -> {
                if (mode == Mode.BUILD) {
                    List<String> absent = new ArrayList<>();
                    for (Platform p : platforms) {
                        Digest pin = locked.manifests().get(Platforms.format(p));
                        if (!storeHolds(pin)) {
                            absent.add(pin.toString());
                        }
                    }
                    if (!absent.isEmpty()) {
                        drift.add(new Drift(Drift.Kind.IMAGE_UNCHECKED, ref, "image " + ref + " cannot be checked ("
                                + u.reason() + ") and the store lacks its pinned manifest " + String.join(", ", absent)));
                    }
                } else {
                    drift.add(new Drift(Drift.Kind.IMAGE_UNCHECKED, ref, "image " + ref + " cannot be checked: "
                            + u.reason()));
                }
            }
        }
    }

    /** Whether the store holds a manifest with its config and every layer: a build can use it without a registry. */
    private boolean storeHolds(Digest manifestDigest) {
        if (store == null || !store.content().contains(manifestDigest)) {
            return false;
        }
        try {
            Manifest manifest = store.readManifest(manifestDigest);
            if (manifest.config() == null || !store.content().contains(manifest.config().digest())) {
                return false;
            }
            return manifest.layers().stream().allMatch(l -> store.content().contains(l.digest()));
        } catch (OciException e) {
            return false;
        }
    }

    private void checkUrls(LockFile lock, DockerfileInputs.Inputs inputs, boolean allPlatforms, Mode mode,
                           List<Drift> drift) {
        Map<String, List<DockerfileInputs.UrlUse>> used = inputs.usesByUrl();
        Set<String> all = new TreeSet<>(used.keySet());
        lock.urls().forEach(u -> all.add(u.url()));
        for (String url : all) {
            List<DockerfileInputs.UrlUse> uses = used.get(url);
            Digest pinned = lock.pinnedUrl(url).orElse(null);
            if (uses == null) {
                if (allPlatforms) {
                    drift.add(new Drift(Drift.Kind.URL_REMOVED, url, "URL " + url + " is in " + LockFile.FILE_NAME
                            + " but no ADD uses it any more"));
                }
                continue;
            }
            if (pinned == null) {
                drift.add(new Drift(Drift.Kind.URL_ADDED, url, "ADD " + url + " (" + uses.getFirst().position()
                        + ") is not in " + LockFile.FILE_NAME));
                continue;
            }
            Set<String> conflicts = new LinkedHashSet<>();
            for (DockerfileInputs.UrlUse use : uses) {
                if (use.checksum() != null) {
                    Digest want = Locker.checksum(use);
                    if (want.algorithm().equals("sha256") && !want.equals(pinned)) {
                        conflicts.add("ADD " + url + " (" + use.position() + ") says --checksum=" + want + ", but "
                                + LockFile.FILE_NAME + " has " + pinned);
                    }
                }
            }
            conflicts.forEach(c -> drift.add(new Drift(Drift.Kind.URL_CHANGED, url, c)));
            if (mode == Mode.CHECK && conflicts.isEmpty()) {
                Digest now;
                try {
                    now = urls.sha256(url);
                } catch (BuildException e) {
                    drift.add(new Drift(Drift.Kind.URL_UNCHECKED, url, "URL " + url + " cannot be checked: "
                            + e.getMessage()));
                    continue;
                }
                if (!now.equals(pinned)) {
                    drift.add(new Drift(Drift.Kind.URL_CHANGED, url, "URL " + url + " changed: its content is now "
                            + now + ", " + LockFile.FILE_NAME + " has " + pinned));
                }
            }
        }
    }
}
