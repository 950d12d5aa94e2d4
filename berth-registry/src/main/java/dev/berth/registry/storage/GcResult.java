package dev.berth.registry.storage;

/** What a garbage collection freed. */
public record GcResult(int blobsRemoved, long bytesFreed) {
}
