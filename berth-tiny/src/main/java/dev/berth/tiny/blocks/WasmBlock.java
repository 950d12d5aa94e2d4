package dev.berth.tiny.blocks;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.OpCode;
import dev.berth.tiny.TinyException;
import dev.berth.tiny.pipeline.ElementType;
import dev.berth.tiny.pipeline.PortType;
import dev.berth.tiny.pipeline.Stage;
import dev.berth.tiny.pipeline.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A user-written processing block: a WebAssembly module run in Chicory's interpreter, sandboxed three ways. It may
 * import nothing, so it reaches no host function, sensor or file; its linear memory is capped; and every call has an
 * instruction budget. A block that traps or exceeds either limit stops with a {@link TinyException} naming the
 * stage, and the host carries on.
 *
 * <p>The module's interface (Berth's tiny block ABI v1):
 * <ul>
 *   <li>exports {@code memory}, {@code block_alloc(i32 size) -> i32 pointer} and
 *       {@code block_run(i32 in, i32 in_len, i32 out, i32 out_len) -> i32}, 0 for success, any other value an
 *       error code;</li>
 *   <li>may export {@code _initialize} (a WASI reactor's constructor), called once after instantiation;</li>
 *   <li>input: the stage's input tensors one after the other, each element little-endian in its declared type;
 *       output: the stage's declared outputs laid out the same way.</li>
 * </ul>
 * Arguments: {@code memory-limit} (bytes, default the module's initial memory) caps the memory.
 */
public final class WasmBlock {
    public static final int PAGE = 65536;
    /** Instructions one block call may run unless the run says otherwise. */
    public static final long DEFAULT_INSTRUCTION_BUDGET = 50_000_000L;

    private final String stageName;
    private final WasmModule module;
    private final int initialPages;
    private final int capPages;
    private final List<PortType> inputs;
    private final List<PortType> outputs;

    private WasmBlock(String stageName, WasmModule module, int initialPages, int capPages, List<PortType> inputs,
                      List<PortType> outputs) {
        this.stageName = stageName;
        this.module = module;
        this.initialPages = initialPages;
        this.capPages = capPages;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /** Parses and checks a module for a stage (build time and run time alike). */
    public static WasmBlock load(Stage.ProcBlock stage, byte[] wasm, List<PortType> inputs) {
        String where = "stage '" + stage.name() + "' (WebAssembly block " + stage.block() + ")";
        WasmModule module;
        try {
            module = Parser.parse(wasm);
        } catch (ChicoryException | IllegalArgumentException e) {
            throw new TinyException(where + ": not a valid WebAssembly module: " + e.getMessage());
        }
        if (module.importSection().importCount() > 0) {
            var first = module.importSection().getImport(0);
            throw new TinyException(where + ": the module imports " + module.importSection().importCount()
                    + " host item(s), e.g. " + first.module() + "." + first.name()
                    + "; a block may import nothing (build C blocks with -mexec-model=reactor and no I/O)");
        }
        Set<String> exports = new HashSet<>();
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            Export e = module.exportSection().getExport(i);
            exports.add(e.name() + (e.exportType() == ExternalType.MEMORY ? "#memory" : ""));
        }
        for (String needed : List.of("memory#memory", "block_alloc", "block_run")) {
            if (!exports.contains(needed)) {
                throw new TinyException(where + ": the module does not export '" + needed.replace("#memory", "")
                        + "' (a block exports memory, block_alloc and block_run)");
            }
        }
        int initial = module.memorySection().map(m -> m.getMemory(0).limits().initialPages()).orElse(0);
        String limitArg = stage.args().get("memory-limit");
        int cap;
        if (limitArg == null) {
            cap = Math.max(initial, 1);
        } else {
            long bytes = parseBytes(limitArg, where);
            cap = (int) Math.max(1, (bytes + PAGE - 1) / PAGE);
        }
        if (initial > cap) {
            throw new TinyException(where + ": the module starts with " + initial * (PAGE / 1024) + " KiB of memory, "
                    + "more than its memory-limit of " + cap * (PAGE / 1024) + " KiB");
        }
        for (PortType t : inputs) {
            if (!t.type().isNumeric()) {
                throw new TinyException(where + ": WebAssembly blocks take numeric tensors, not " + t);
            }
        }
        for (PortType t : stage.outputs()) {
            if (!t.type().isNumeric()) {
                throw new TinyException(where + ": WebAssembly blocks give numeric tensors, not " + t);
            }
        }
        if (stage.outputs().isEmpty()) {
            throw new TinyException(where + ": declare the block's outputs");
        }
        return new WasmBlock(stage.name(), module, initial, cap, List.copyOf(inputs), stage.outputs());
    }

    static long parseBytes(String text, String where) {
        try {
            return dev.berth.tiny.ByteSize.parse(text);
        } catch (TinyException e) {
            throw new TinyException(where + ": " + e.getMessage());
        }
    }

    /** Bytes of memory the block may use at most. */
    public long memoryCapBytes() {
        return (long) capPages * PAGE;
    }

    /** A runnable instance with its own memory; {@code budget} caps the instructions of each call. */
    public ProcBlock instantiate(long budget) {
        InstructionMeter meter = new InstructionMeter(budget);
        Instance instance;
        try {
            instance = Instance.builder(module)
                    .withMemoryLimits(new MemoryLimits(initialPages, capPages))
                    .withUnsafeExecutionListener(meter::onExecution)
                    .build();
            if (instance.exports() != null && hasExport("_initialize")) {
                meter.reset();
                instance.export("_initialize").apply();
            }
        } catch (RuntimeException | StackOverflowError e) {
            throw failure("could not start", e, meter);
        }
        ExportFunction alloc = instance.export("block_alloc");
        ExportFunction run = instance.export("block_run");
        Memory memory = instance.memory();
        return in -> {
            byte[] input = encode(in);
            int outLength = 0;
            for (PortType t : outputs) {
                outLength += t.elementCount() * t.type().bytes();
            }
            try {
                meter.reset();
                meter.memory = memory;
                int inPtr = (int) alloc.apply(input.length)[0];
                int outPtr = (int) alloc.apply(outLength)[0];
                if (inPtr == 0 || outPtr == 0) {
                    throw new TinyException("stage '" + stageName + "': the block could not allocate its "
                            + (input.length + outLength) + " bytes of buffers within its memory limit of "
                            + memoryCapBytes() / 1024 + " KiB");
                }
                memory.write(inPtr, input);
                long status = run.apply(inPtr, input.length, outPtr, outLength)[0];
                if (status != 0) {
                    throw new TinyException("stage '" + stageName + "': the block returned error code " + status);
                }
                return decode(memory.readBytes(outPtr, outLength));
            } catch (TinyException e) {
                throw e;
            } catch (RuntimeException | StackOverflowError e) {
                throw failure("failed", e, meter);
            }
        };
    }

    private boolean hasExport(String name) {
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            if (module.exportSection().getExport(i).name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private TinyException failure(String what, Throwable e, InstructionMeter meter) {
        String reason;
        if (e instanceof BudgetExceeded b) {
            reason = b.getMessage();
        } else if (e instanceof TrapException) {
            reason = "it trapped: " + e.getMessage();
        } else if (e instanceof StackOverflowError) {
            reason = "it overflowed the call stack";
        } else {
            reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return new TinyException("stage '" + stageName + "': the WebAssembly block " + what + " after "
                + meter.count + " instructions: " + reason);
    }

    private byte[] encode(List<Tensor> tensors) {
        int total = 0;
        for (Tensor t : tensors) {
            total += t.numbers().length * t.type().type().bytes();
        }
        ByteBuffer buffer = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : tensors) {
            ElementType type = t.type().type();
            for (double v : t.numbers()) {
                switch (type) {
                    case U8, I8 -> buffer.put((byte) (long) v);
                    case U16, I16 -> buffer.putShort((short) (long) v);
                    case U32, I32 -> buffer.putInt((int) (long) v);
                    case U64, I64 -> buffer.putLong((long) v);
                    case F32 -> buffer.putFloat((float) v);
                    case F64 -> buffer.putDouble(v);
                    default -> throw new IllegalStateException(type.name());
                }
            }
        }
        return buffer.array();
    }

    private List<Tensor> decode(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Tensor> result = new ArrayList<>();
        for (PortType t : outputs) {
            double[] v = new double[t.elementCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (t.type()) {
                    case U8 -> buffer.get() & 0xff;
                    case I8 -> buffer.get();
                    case U16 -> buffer.getShort() & 0xffff;
                    case I16 -> buffer.getShort();
                    case U32 -> buffer.getInt() & 0xffffffffL;
                    case I32 -> buffer.getInt();
                    case U64, I64 -> buffer.getLong();
                    case F32 -> buffer.getFloat();
                    case F64 -> buffer.getDouble();
                    default -> throw new IllegalStateException(t.type().name());
                };
            }
            result.add(Tensor.numeric(t, v));
        }
        return result;
    }

    /** Thrown from inside the interpreter to stop a block at its limit. */
    private static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded(String message) {
            super(message, null, false, false);
        }
    }

    /** Counts instructions and watches memory.grow; runs on every instruction, so it stays small. */
    private final class InstructionMeter {
        private final long budget;
        long count;
        Memory memory;

        InstructionMeter(long budget) {
            this.budget = budget;
        }

        void reset() {
            count = 0;
        }

        void onExecution(com.dylibso.chicory.wasm.types.Instruction instruction, com.dylibso.chicory.runtime.MStack stack) {
            if (++count > budget) {
                throw new BudgetExceeded("it exceeded its instruction budget of " + budget);
            }
            if (instruction.opcode() == OpCode.MEMORY_GROW && memory != null) {
                long wanted = memory.pages() + stack.peek();
                if (wanted > capPages) {
                    throw new BudgetExceeded("it tried to grow its memory to " + wanted * (PAGE / 1024)
                            + " KiB, over its limit of " + (long) capPages * (PAGE / 1024) + " KiB");
                }
            }
        }
    }
}
