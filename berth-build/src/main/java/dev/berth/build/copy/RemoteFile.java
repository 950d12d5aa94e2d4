package dev.berth.build.copy;

/**
 * A file ADD downloads, with the SHA-256 of its content ("sha256:…"): what the step's cache key covers and what a
 * lock file records.
 */
public record RemoteFile(String url, String digest) {
}
