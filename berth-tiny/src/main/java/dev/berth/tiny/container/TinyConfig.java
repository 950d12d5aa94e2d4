package dev.berth.tiny.container;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.tiny.TinyException;
import dev.berth.tiny.pipeline.ElementType;
import dev.berth.tiny.pipeline.PortType;
import dev.berth.tiny.pipeline.Stage;
import dev.berth.tiny.pipeline.StageInput;

import java.util.List;
import java.util.Map;

/**
 * The config blob of a tiny container: the checked pipeline in run order, with {@code $resource} arguments already
 * filled in and each model or block stage pointing at its layer by digest, plus the RAM the build computed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TinyConfig(int schemaVersion, String device, long ramBytes, List<StageRecord> stages) {
    public static final int SCHEMA_VERSION = 1;

    /** One stage as stored; {@code kind} is capability, proc-block, model or out, {@code ref} what it names. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StageRecord(String name, String kind, String ref, List<String> inputs, Map<String, String> args,
                              List<TypeRecord> outputs, String layer) {
    }

    public record TypeRecord(String type, List<Integer> dimensions) {
    }

    static StageRecord record(Stage s, String layerDigest) {
        List<String> inputs = s.inputs().stream().map(StageInput::toString).toList();
        List<TypeRecord> outputs = s.outputs().stream().map(t -> new TypeRecord(t.type().name(), t.dimensions())).toList();
        return switch (s) {
            case Stage.Capability c -> new StageRecord(c.name(), "capability", c.kind(), inputs, c.args(), outputs, null);
            case Stage.ProcBlock p -> new StageRecord(p.name(), "proc-block", p.block(), inputs, p.args(), outputs, layerDigest);
            case Stage.Model m -> new StageRecord(m.name(), "model", m.path(), inputs, m.args(), outputs, layerDigest);
            case Stage.Out o -> new StageRecord(o.name(), "out", o.kind(), inputs, o.args(), outputs, null);
        };
    }

    static Stage stage(StageRecord r) {
        String where = "stage '" + r.name() + "'";
        List<StageInput> inputs = r.inputs() == null ? List.of() : r.inputs().stream().map(i -> StageInput.parse(i, where)).toList();
        List<PortType> outputs = r.outputs() == null ? List.of()
                : r.outputs().stream().map(t -> new PortType(ElementType.parse(t.type(), where), t.dimensions())).toList();
        Map<String, String> args = r.args() == null ? Map.of() : r.args();
        return switch (r.kind()) {
            case "capability" -> new Stage.Capability(r.name(), r.ref(), args, outputs);
            case "proc-block" -> new Stage.ProcBlock(r.name(), r.ref(), inputs, args, outputs);
            case "model" -> new Stage.Model(r.name(), r.ref(), inputs, args, outputs);
            case "out" -> new Stage.Out(r.name(), r.ref(), inputs, args);
            default -> throw new TinyException(where + ": unknown stage kind '" + r.kind() + "' in the container's config");
        };
    }
}
