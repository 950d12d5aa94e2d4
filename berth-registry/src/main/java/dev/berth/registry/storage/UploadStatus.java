package dev.berth.registry.storage;

/** Where an upload session stands: its id and how many bytes it holds so far. */
public record UploadStatus(String id, RepositoryName repository, long size) {
}
