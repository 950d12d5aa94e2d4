package dev.berth.tiny.pipeline;

import dev.berth.tiny.TinyException;

import java.util.List;
import java.util.Locale;

/** The sensors a tiny container may declare, with the checks on what each one can produce. */
public final class Capabilities {
    public static final List<String> KINDS = List.of("SOUND", "ACCEL", "IMAGE", "FLOAT_IMAGE", "RAW", "RAND");

    private Capabilities() {
    }

    public static String normalize(String kind) {
        return kind.trim().toUpperCase(Locale.ROOT);
    }

    /** Checks a capability stage: a known kind, one output, and a type the sensor can give. */
    public static void check(Stage.Capability stage) {
        String where = "stage '" + stage.name() + "'";
        String kind = normalize(stage.kind());
        if (!KINDS.contains(kind)) {
            throw new TinyException(where + ": unknown capability '" + stage.kind() + "' (known: " + String.join(", ", KINDS) + ")");
        }
        if (stage.outputs().size() != 1) {
            throw new TinyException(where + ": a " + kind + " capability has exactly one output, declared " + stage.outputs().size());
        }
        PortType out = stage.outputs().getFirst();
        boolean ok = switch (kind) {
            case "SOUND" -> out.type() == ElementType.I16 || out.type() == ElementType.F32;
            case "ACCEL", "FLOAT_IMAGE" -> out.type().isFloat();
            case "IMAGE" -> out.type() == ElementType.U8 || out.type() == ElementType.I8;
            default -> out.type().isNumeric();
        };
        if (!ok) {
            throw new TinyException(where + ": a " + kind + " capability cannot give " + out);
        }
        if (kind.equals("SOUND") && stage.args().containsKey("hz") && stage.args().containsKey("sample_duration_ms")) {
            long samples;
            try {
                samples = Math.round(Double.parseDouble(stage.args().get("hz"))
                        * Double.parseDouble(stage.args().get("sample_duration_ms")) / 1000);
            } catch (NumberFormatException e) {
                throw new TinyException(where + ": 'hz' and 'sample_duration_ms' must be numbers");
            }
            if (samples != out.elementCount()) {
                throw new TinyException(where + ": " + stage.args().get("hz") + " Hz for " + stage.args().get("sample_duration_ms")
                        + " ms is " + samples + " samples, but the output " + out + " holds " + out.elementCount());
            }
        }
    }
}
