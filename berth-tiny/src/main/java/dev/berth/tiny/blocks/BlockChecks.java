package dev.berth.tiny.blocks;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.pipeline.ElementType;
import dev.berth.tiny.pipeline.PortType;
import dev.berth.tiny.pipeline.Stage;

import java.util.List;

/** The checks built-in blocks share, with messages that name the stage and the block. */
final class BlockChecks {
    private BlockChecks() {
    }

    static String where(Stage.ProcBlock stage, String block) {
        return "stage '" + stage.name() + "' (block " + block + ")";
    }

    static void counts(Stage.ProcBlock stage, String block, List<PortType> inputs, int wantInputs, int wantOutputs) {
        if (inputs.size() != wantInputs) {
            throw new TinyException(where(stage, block) + ": takes " + wantInputs + " input" + (wantInputs == 1 ? "" : "s")
                    + ", the stage gives it " + inputs.size());
        }
        if (stage.outputs().size() != wantOutputs) {
            throw new TinyException(where(stage, block) + ": gives " + wantOutputs + " output" + (wantOutputs == 1 ? "" : "s")
                    + ", the stage declares " + stage.outputs().size());
        }
    }

    static void inputType(Stage.ProcBlock stage, String block, PortType input, String wanted, boolean ok) {
        if (!ok) {
            throw new TinyException(where(stage, block) + ": input must be " + wanted + ", got " + input);
        }
    }

    static void output(Stage.ProcBlock stage, String block, int index, PortType expected) {
        PortType declared = stage.outputs().get(index);
        if (declared.type() != expected.type() || declared.elementCount() != expected.elementCount()) {
            throw new TinyException(where(stage, block) + ": output " + index + " is " + expected + " for these inputs, "
                    + "but the stage declares " + declared);
        }
    }

    static double number(Stage.ProcBlock stage, String block, String arg, Double fallback) {
        String text = stage.args().get(arg);
        if (text == null) {
            if (fallback == null) {
                throw new TinyException(where(stage, block) + ": argument '" + arg + "' is required");
            }
            return fallback;
        }
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new TinyException(where(stage, block) + ": argument '" + arg + "' must be a number, got '" + text + "'");
        }
    }

    static boolean integer(ElementType t) {
        return t.isNumeric() && !t.isFloat();
    }
}
