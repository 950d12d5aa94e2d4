package dev.berth.tiny.container;

import dev.berth.tiny.pipeline.Pipeline;

import java.util.Map;

/**
 * A pipeline that passed every graph check, with what each model and WebAssembly stage needs at run time.
 *
 * @param files the bytes of each model or WebAssembly stage, by stage name
 * @param arenaBytes each model stage's interpreter arena, by stage name
 * @param wasmMemoryBytes each WebAssembly stage's memory cap, by stage name
 */
public record CheckedPipeline(Pipeline pipeline, Map<String, byte[]> files, Map<String, Integer> arenaBytes,
                              Map<String, Long> wasmMemoryBytes) {
    public CheckedPipeline {
        files = Map.copyOf(files);
        arenaBytes = Map.copyOf(arenaBytes);
        wasmMemoryBytes = Map.copyOf(wasmMemoryBytes);
    }
}
