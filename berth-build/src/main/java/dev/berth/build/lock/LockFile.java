package dev.berth.build.lock;

import dev.berth.build.BuildException;
import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Platform;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The content of a {@code berth.lock}: what a Dockerfile's build was pinned to. Lists are kept sorted (images by
 * reference, URLs by URL, platforms by name), so the same inputs always give the same file and a change to one input
 * changes only its own lines.
 *
 * @param version the format version, {@link #VERSION}
 * @param dockerfile the Dockerfile's file name (the lock lies beside it)
 * @param dockerfileSha256 the digest of the Dockerfile's bytes
 * @param platforms the platforms the lock was made for ({@code linux/amd64} …)
 * @param buildArgs the {@code --build-arg} values it was made with
 * @param images every image the Dockerfile uses
 * @param urls every remote ADD source
 */
public record LockFile(int version, String dockerfile, Digest dockerfileSha256, List<String> platforms,
                       SortedMap<String, String> buildArgs, List<LockedImage> images, List<LockedUrl> urls) {
    /** The lock's name; it lies beside the Dockerfile. */
    public static final String FILE_NAME = "berth.lock";
    public static final int VERSION = 1;

    public LockFile {
        platforms = platforms.stream().sorted().distinct().toList();
        buildArgs = Collections.unmodifiableSortedMap(new TreeMap<>(buildArgs));
        images = images.stream().sorted(Comparator.comparing(LockedImage::reference)).toList();
        urls = urls.stream().sorted(Comparator.comparing(LockedUrl::url)).toList();
    }

    /** Where the lock of a Dockerfile is: {@code berth.lock} in the Dockerfile's directory. */
    public static Path pathFor(Path dockerfile) {
        Path absolute = dockerfile.toAbsolutePath();
        return absolute.resolveSibling(FILE_NAME);
    }

    /** Reads a lock file; a missing one is an error that says how to make it. */
    public static LockFile read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BuildException(file + " does not exist: make it with `berth lock`");
        } catch (IOException e) {
            throw new BuildException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses a lock file's text; {@code name} names it in errors. */
    public static LockFile parse(String text, String name) {
        return LockFileText.parse(text, name);
    }

    /** The file's text (see {@link LockFileText} for the format). */
    public String render() {
        return LockFileText.render(this);
    }

    /** Writes the lock atomically: a reader (or a crash) sees the old file or the new one, never a part. */
    public void write(Path file) {
        try {
            AtomicFiles.write(file, render().getBytes(StandardCharsets.UTF_8));
        } catch (OciException e) {
            throw new BuildException(e.getMessage(), e);
        }
    }

    /** The locked entry of an image reference (compared normalized: {@code busybox} is {@code docker.io/library/busybox:latest}). */
    public Optional<LockedImage> image(Reference reference) {
        String key = reference.toString();
        return images.stream().filter(i -> i.reference().equals(key)).findFirst();
    }

    /**
     * What a locked build pulls instead of {@code reference} on {@code platform}: the repository by the pinned
     * manifest digest ({@code repo@sha256:…}, no tag, so pulling it does not move a local tag). Empty when the lock does
     * not pin that image for that platform, which {@link LockChecker} reports as drift.
     */
    public Optional<Reference> pinnedImage(Reference reference, Platform platform) {
        return image(reference).map(i -> i.manifests().get(Platforms.format(Platforms.normalize(platform))))
                .map(d -> reference.repositoryOnly().withDigest(d));
    }

    /** The sha256 a locked build checks a remote ADD source's download against; empty when the URL is not locked. */
    public Optional<Digest> pinnedUrl(String url) {
        return urls.stream().filter(u -> u.url().equals(url)).map(LockedUrl::sha256).findFirst();
    }
}
