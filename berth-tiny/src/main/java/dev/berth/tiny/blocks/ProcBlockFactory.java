package dev.berth.tiny.blocks;

import dev.berth.tiny.pipeline.PortType;
import dev.berth.tiny.pipeline.Stage;

import java.util.List;

/**
 * A kind of processing block: checks a stage that uses it at build time (arguments, input types, declared outputs)
 * and makes the running block.
 */
public interface ProcBlockFactory {
    /** The block's short name, e.g. {@code fft}. */
    String name();

    /** Throws a TinyException naming the stage when the arguments, inputs or declared outputs don't fit the block. */
    void check(Stage.ProcBlock stage, List<PortType> inputs);

    /** A running instance for a stage that passed {@link #check}. */
    ProcBlock create(Stage.ProcBlock stage, List<PortType> inputs);
}
