package dev.berth.build.engine;

import dev.berth.build.BuildException;
import dev.berth.build.lock.Drift;
import dev.berth.build.lock.LockChecker;
import dev.berth.build.lock.LockFile;
import dev.berth.build.lock.LockRequest;
import dev.berth.build.lock.LockedImage;
import dev.berth.build.lock.LockedUrl;
import dev.berth.build.lock.StoreThenRegistry;
import dev.berth.build.lock.UrlDigester;
import dev.berth.oci.image.Platform;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.ImageStore;
import dev.berth.registry.client.ClientOptions;
import dev.berth.registry.client.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code berth build --locked}: checks the Dockerfile and its inputs against the {@code berth.lock} beside it and
 * returns the request with every base image pinned to its locked manifest digest and every ADD URL to its locked
 * sha256; when anything drifted, the build is refused with the list of what did.
 */
public final class LockedInputs {
    private LockedInputs() {
    }

    public static BuildRequest apply(BuildRequest request, ImageStore store) {
        Path dockerfile = request.dockerfilePath();
        if (dockerfile == null) {
            throw new BuildException("--locked needs a Dockerfile on disk (its berth.lock lies beside it), not one from standard input");
        }
        Path lockPath = LockFile.pathFor(dockerfile);
        if (!Files.isRegularFile(lockPath)) {
            throw new BuildException("--locked: there is no " + LockFile.FILE_NAME + " beside " + dockerfile
                    + "; make one with: berth lock -f " + dockerfile);
        }
        LockFile lock = LockFile.read(lockPath);
        Platform platform = request.platform() == null ? Platform.host() : Platforms.parse(request.platform(), null);
        List<Drift> drift;
        try (RegistryClient client = new RegistryClient(ClientOptions.defaults());
             UrlDigester urls = UrlDigester.withDefaults()) {
            drift = new LockChecker(new StoreThenRegistry(store, client), urls, store)
                    .check(lock, new LockRequest(dockerfile, request.buildArgs(), List.of(platform)), LockChecker.Mode.BUILD);
        }
        if (!drift.isEmpty()) {
            StringBuilder message = new StringBuilder("the build does not match " + lockPath + " (--locked); what drifted:");
            for (Drift d : drift) {
                message.append("\n  - ").append(d.message());
            }
            message.append("\nrun berth lock to lock the new inputs");
            throw new BuildException(message.toString());
        }
        Map<String, String> images = new LinkedHashMap<>();
        for (LockedImage image : lock.images()) {
            Reference reference = Reference.parse(image.reference());
            lock.pinnedImage(reference, platform).ifPresent(pinned -> images.put(reference.toString(),
                    pinned.digest().toString()));
        }
        Map<String, String> urlPins = new LinkedHashMap<>();
        for (LockedUrl url : lock.urls()) {
            urlPins.put(url.url(), url.sha256().toString());
        }
        return request.withBaseImagePins(images).withUrlPins(urlPins);
    }
}
