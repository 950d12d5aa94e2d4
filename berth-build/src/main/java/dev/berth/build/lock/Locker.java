package dev.berth.build.lock;

import dev.berth.build.BuildException;
import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Platform;
import dev.berth.oci.reference.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code berth lock}: resolves every input of a Dockerfile (see {@link DockerfileInputs}) and pins it. Images are
 * resolved with an {@link ImageResolver} (store, then registry; no layer is pulled), ADD URLs downloaded and hashed;
 * an ADD with {@code --checksum} must match what the URL serves.
 */
public final class Locker {
    private final ImageResolver images;
    private final UrlDigester urls;

    public Locker(ImageResolver images, UrlDigester urls) {
        this.images = images;
        this.urls = urls;
    }

    /**
     * Makes the lock for {@code request} and writes it atomically beside the Dockerfile. Without platforms in the
     * request, the platforms of the lock already there are kept (so re-locking keeps a multi-platform lock), else the
     * build platform is used. A {@code berth.lock} there that pins another Dockerfile is not overwritten.
     *
     * @return the lock written
     */
    public LockFile lockAndWrite(LockRequest request) {
        Path lockPath = request.lockPath();
        List<Platform> platforms = request.platforms();
        if (Files.exists(lockPath)) {
            LockFile existing = null;
            try {
                existing = LockFile.read(lockPath);
            } catch (BuildException unreadable) {
                // a damaged lock is what re-locking repairs
            }
            String name = request.dockerfile().getFileName().toString();
            if (existing != null && !existing.dockerfile().equals(name)) {
                throw new BuildException(lockPath + " pins " + existing.dockerfile() + ", not " + name
                        + ": remove it first to lock " + name + " instead");
            }
            if (existing != null && platforms.isEmpty()) {
                platforms = existing.platforms().stream().map(p -> Platforms.parse(p, lockPath.toString())).toList();
            }
        }
        LockFile lock = lock(new LockRequest(request.dockerfile(), request.buildArgs(), platforms));
        lock.write(lockPath);
        return lock;
    }

    /** Makes the lock for {@code request} without writing it (no platforms: the build platform). */
    public LockFile lock(LockRequest request) {
        DockerfileSource source = DockerfileSource.read(request.dockerfile());
        List<Platform> platforms = request.platforms().isEmpty() ? List.of(Platforms.build()) : request.platforms();
        DockerfileInputs.Inputs inputs = DockerfileInputs.scan(source.parsed(), request.buildArgs(), platforms,
                Platforms.build());
        List<LockedImage> locked = new ArrayList<>();
        Map<String, DockerfileInputs.ImageUse> firstUse = inputs.firstUseByImage();
        for (Map.Entry<String, List<Platform>> e : inputs.platformsByImage().entrySet()) {
            DockerfileInputs.ImageUse use = firstUse.get(e.getKey());
            locked.add(resolve(use, e.getValue()));
        }
        List<LockedUrl> lockedUrls = new ArrayList<>();
        for (Map.Entry<String, List<DockerfileInputs.UrlUse>> e : inputs.usesByUrl().entrySet()) {
            lockedUrls.add(new LockedUrl(e.getKey(), urlDigest(e.getKey(), e.getValue(), urls)));
        }
        return new LockFile(LockFile.VERSION, source.name(), source.sha256(), Platforms.formatAll(platforms),
                new java.util.TreeMap<>(request.buildArgs()), locked, lockedUrls);
    }

    private LockedImage resolve(DockerfileInputs.ImageUse use, List<Platform> platforms) {
        Reference reference = use.reference();
        return switch (images.resolve(reference, platforms)) {
            case ImageResolver.Resolved r -> new LockedImage(reference.toString(), r.digest(), r.manifests());
            case ImageResolver.Missing m -> throw new BuildException(use.position() + ": the image "
                    + reference.familiar() + " cannot be found: " + m.reason());
            case ImageResolver.Unreachable u -> throw new BuildException(use.position() + ": cannot resolve the image "
                    + reference.familiar() + ": " + u.reason());
        };
    }

    /**
     * Downloads a URL once and returns its sha256, after checking it against every {@code --checksum} an ADD of it
     * gives (in whatever algorithm each names).
     */
    static Digest urlDigest(String url, List<DockerfileInputs.UrlUse> uses, UrlDigester urls) {
        Set<String> algorithms = new LinkedHashSet<>(List.of("sha256"));
        List<Digest> expected = new ArrayList<>();
        for (DockerfileInputs.UrlUse use : uses) {
            if (use.checksum() != null) {
                Digest d = checksum(use);
                expected.add(d);
                algorithms.add(d.algorithm());
            }
        }
        Map<String, Digest> digests;
        try {
            digests = urls.digests(url, List.copyOf(algorithms));
        } catch (BuildException e) {
            throw new BuildException(uses.getFirst().position() + ": ADD " + url + ": " + e.getMessage(), e);
        }
        for (DockerfileInputs.UrlUse use : uses) {
            if (use.checksum() != null) {
                Digest want = checksum(use);
                Digest got = digests.get(want.algorithm());
                if (!want.equals(got)) {
                    throw new BuildException(use.position() + ": ADD --checksum=" + want + " does not match " + url
                            + ", whose content has " + got);
                }
            }
        }
        return digests.get("sha256");
    }

    /** ADD's {@code --checksum} as a digest; a malformed one is an error at the ADD. */
    static Digest checksum(DockerfileInputs.UrlUse use) {
        try {
            return Digest.parse(use.checksum());
        } catch (OciException e) {
            throw new BuildException(use.position() + ": ADD --checksum: " + e.getMessage());
        }
    }
}
