package dev.berth.tiny.container;

import dev.berth.tiny.ByteSize;
import dev.berth.tiny.TinyException;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a tiny container needs on a device. Flash: its manifest, config, models and blocks, stored as they are.
 * RAM: every model's tensor arena (each model keeps its own, as TFLM does), every WebAssembly block's memory cap, and
 * the buffers that carry tensors between stages.
 */
public record ResourceEstimate(long flashBytes, long arenaBytes, long wasmMemoryBytes, long bufferBytes) {
    public long ramBytes() {
        return arenaBytes + wasmMemoryBytes + bufferBytes;
    }

    static long buffers(CheckedPipeline checked) {
        return checked.pipeline().stages().stream().flatMap(s -> s.outputs().stream()).mapToLong(t -> t.byteSize()).sum();
    }

    static ResourceEstimate of(CheckedPipeline checked, long flashBytes) {
        return new ResourceEstimate(flashBytes,
                checked.arenaBytes().values().stream().mapToLong(Integer::longValue).sum(),
                checked.wasmMemoryBytes().values().stream().mapToLong(Long::longValue).sum(),
                buffers(checked));
    }

    /** Refuses, with the numbers, a container that does not fit the device. */
    public void requireFits(DeviceProfile device, Map<String, Integer> arenas) {
        StringBuilder problems = new StringBuilder();
        if (flashBytes > device.flashBytes()) {
            problems.append("it needs ").append(ByteSize.format(flashBytes)).append(" of flash, the device has ")
                    .append(ByteSize.format(device.flashBytes()));
        }
        if (ramBytes() > device.ramBytes()) {
            problems.append(problems.isEmpty() ? "it needs " : "; and ").append(ByteSize.format(ramBytes()))
                    .append(" of RAM (model arenas ").append(ByteSize.format(arenaBytes))
                    .append(arenas.isEmpty() ? "" : arenas.entrySet().stream().sorted(Map.Entry.comparingByKey())
                            .map(e -> e.getKey() + " " + ByteSize.format(e.getValue())).collect(Collectors.joining(", ", " [", "]")))
                    .append(", WebAssembly memory ").append(ByteSize.format(wasmMemoryBytes))
                    .append(", buffers ").append(ByteSize.format(bufferBytes))
                    .append("), the device has ").append(ByteSize.format(device.ramBytes()));
        }
        if (!problems.isEmpty()) {
            throw new TinyException("the container does not fit device " + device.name() + " (" + device.description() + "): " + problems);
        }
    }

    public String summary() {
        return "flash " + ByteSize.format(flashBytes) + ", RAM " + ByteSize.format(ramBytes()) + " (model arenas "
                + ByteSize.format(arenaBytes) + ", WebAssembly memory " + ByteSize.format(wasmMemoryBytes) + ", buffers "
                + ByteSize.format(bufferBytes) + ")";
    }
}
