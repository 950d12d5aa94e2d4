package dev.berth.build.lock;

/**
 * One way the current Dockerfile and its inputs differ from what {@code berth.lock} pins.
 *
 * @param kind what drifted
 * @param subject what it is about: the Dockerfile's name, a build arg, a platform, an image reference or a URL
 * @param message a line for the user, naming the subject and both values where there are two
 */
public record Drift(Kind kind, String subject, String message) {
    /** What drifted. */
    public enum Kind {
        /** The Dockerfile's bytes differ from the locked hash, or the lock is for another Dockerfile. */
        DOCKERFILE,
        /** A build arg has another value, is new, or is gone. */
        BUILD_ARG,
        /** The build is for a platform the lock was not made for. */
        PLATFORM,
        /** The Dockerfile uses an image (or an image on a platform) the lock does not pin. */
        IMAGE_ADDED,
        /** The lock pins an image the Dockerfile no longer uses. */
        IMAGE_REMOVED,
        /** An image's reference now points at other manifests. */
        IMAGE_CHANGED,
        /** An image can no longer be found. */
        IMAGE_MISSING,
        /** An image could not be checked (registry unreachable) and a build could not use its pin either. */
        IMAGE_UNCHECKED,
        /** The Dockerfile ADDs a URL the lock does not pin. */
        URL_ADDED,
        /** The lock pins a URL no ADD uses any more. */
        URL_REMOVED,
        /** A URL now serves other content, or ADD's --checksum disagrees with the lock. */
        URL_CHANGED,
        /** A URL could not be downloaded to check it. */
        URL_UNCHECKED
    }

    @Override
    public String toString() {
        return message;
    }
}
