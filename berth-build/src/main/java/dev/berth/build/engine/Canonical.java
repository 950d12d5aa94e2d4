package dev.berth.build.engine;

import dev.berth.build.dockerfile.Instruction;
import dev.berth.build.dockerfile.SourcePosition;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An instruction as text for its cache key: every field of the substituted instruction except where it stands in the
 * file, so moving a line (or adding a comment above it) keeps its cache, while any change in what it does does not.
 */
final class Canonical {
    private Canonical() {
    }

    static String text(Instruction instruction) {
        StringBuilder out = new StringBuilder();
        append(out, instruction);
        return out.toString();
    }

    private static void append(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("null");
            case SourcePosition ignored -> out.append("-");
            case String s -> out.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            case List<?> list -> {
                out.append('[');
                for (Object o : list) {
                    append(out, o);
                    out.append(',');
                }
                out.append(']');
            }
            case Map<?, ?> map -> {
                out.append('{');
                new TreeMap<>(map).forEach((k, v) -> {
                    append(out, k);
                    out.append(':');
                    append(out, v);
                    out.append(',');
                });
                out.append('}');
            }
            case Record r -> {
                out.append(r.getClass().getSimpleName()).append('(');
                for (RecordComponent c : r.getClass().getRecordComponents()) {
                    if (c.getName().equals("position") || c.getName().equals("source")) {
                        continue;
                    }
                    out.append(c.getName()).append('=');
                    try {
                        append(out, c.getAccessor().invoke(r));
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                    out.append(';');
                }
                out.append(')');
            }
            default -> out.append(value);
        }
    }
}
