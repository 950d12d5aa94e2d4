package dev.berth.tiny.pipeline;

import dev.berth.tiny.TinyException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A build file as written: Rune's {@code Runefile.yml} version 1, which Berth's {@code Tinyfile} also is. Parsing
 * checks the document's shape (every stage is exactly one of capability, proc-block, model or out; types and
 * dimensions are well formed; {@code $resource} references exist); the graph itself is checked by the builder.
 *
 * @param stages the stages in file order
 * @param resources resource name to its inline text or its path relative to the build directory
 */
public record Runefile(List<Stage> stages, Map<String, Resource> resources) {
    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final Set<String> STAGE_KEYS = Set.of("capability", "proc-block", "model", "out", "inputs", "outputs", "args");

    /** A named resource: inline text, or a file in the build directory. */
    public record Resource(String name, String inline, String path) {
    }

    public Runefile {
        stages = List.copyOf(stages);
        resources = Map.copyOf(resources);
    }

    public static Runefile read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TinyException("cannot read the build file " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file.getFileName().toString(), file.toAbsolutePath().getParent());
    }

    /** Parses a build file; {@code dir} is where {@code path:} resources are read from. */
    public static Runefile parse(byte[] yaml, String fileName, Path dir) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            throw new TinyException(fileName + " is not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new TinyException(fileName + ": expected a mapping with 'version', 'image' and 'pipeline'");
        }
        JsonNode version = root.get("version");
        if (version == null || !(version.isIntegralNumber() || version.isString()) || !"1".equals(version.asString().trim())) {
            throw new TinyException(fileName + ": 'version' must be 1 (got " + (version == null ? "nothing" : version.toString()) + ")");
        }
        for (String key : root.propertyNames()) {
            if (!Set.of("version", "image", "pipeline", "resources").contains(key)) {
                throw new TinyException(fileName + ": unknown top-level key '" + key + "' (expected version, image, pipeline, resources)");
            }
        }
        Map<String, Resource> resources = readResources(root.get("resources"), fileName);
        JsonNode pipeline = root.get("pipeline");
        if (pipeline == null || !pipeline.isObject() || pipeline.isEmpty()) {
            throw new TinyException(fileName + ": 'pipeline' must be a mapping of stage names to stages");
        }
        List<Stage> stages = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : pipeline.properties()) {
            stages.add(readStage(entry.getKey(), entry.getValue(), resources, dir));
        }
        return new Runefile(stages, resources);
    }

    private static Map<String, Resource> readResources(JsonNode node, String fileName) {
        Map<String, Resource> resources = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return resources;
        }
        if (!node.isObject()) {
            throw new TinyException(fileName + ": 'resources' must be a mapping");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode r = e.getValue();
            String inline = r.hasNonNull("inline") ? r.get("inline").asString() : null;
            String path = r.hasNonNull("path") ? r.get("path").asString() : null;
            if ((inline == null) == (path == null)) {
                throw new TinyException("resource '" + e.getKey() + "': give exactly one of 'inline' or 'path'");
            }
            resources.put(e.getKey(), new Resource(e.getKey(), inline, path));
        }
        return resources;
    }

    private static Stage readStage(String name, JsonNode node, Map<String, Resource> resources, Path dir) {
        String where = "stage '" + name + "'";
        if (!name.matches("[a-zA-Z_][\\w-]*")) {
            throw new TinyException(where + ": a stage name must start with a letter or '_' and hold only letters, digits, '_' and '-'");
        }
        if (node == null || !node.isObject()) {
            throw new TinyException(where + ": expected a mapping");
        }
        List<String> kinds = new ArrayList<>();
        for (String key : node.propertyNames()) {
            if (!STAGE_KEYS.contains(key)) {
                throw new TinyException(where + ": unknown key '" + key + "' (expected one of capability, proc-block, model, out, "
                        + "plus inputs, outputs, args)");
            }
            if (Set.of("capability", "proc-block", "model", "out").contains(key)) {
                kinds.add(key);
            }
        }
        if (kinds.size() != 1) {
            throw new TinyException(where + ": a stage must be exactly one of capability, proc-block, model or out"
                    + (kinds.isEmpty() ? "" : " (it says " + String.join(" and ", kinds) + ")"));
        }
        Map<String, String> args = readArgs(node.get("args"), where, resources, dir);
        List<StageInput> inputs = readInputs(node.get("inputs"), where);
        List<PortType> outputs = readOutputs(node.get("outputs"), where);
        String kind = kinds.getFirst();
        String value = text(node.get(kind), where, kind);
        return switch (kind) {
            case "capability" -> {
                if (!inputs.isEmpty()) {
                    throw new TinyException(where + ": a capability reads a sensor and takes no inputs");
                }
                yield new Stage.Capability(name, value, args, outputs);
            }
            case "proc-block" -> new Stage.ProcBlock(name, value, inputs, args, outputs);
            case "model" -> new Stage.Model(name, resolveModel(value, resources, where), inputs, args, outputs);
            default -> {
                if (!outputs.isEmpty()) {
                    throw new TinyException(where + ": an out stage has no outputs");
                }
                yield new Stage.Out(name, value, inputs, args);
            }
        };
    }

    private static String resolveModel(String value, Map<String, Resource> resources, String where) {
        if (!value.startsWith("$")) {
            return value;
        }
        Resource r = resources.get(value.substring(1));
        if (r == null || r.path() == null) {
            throw new TinyException(where + ": model " + value + " must name a resource declared with a 'path'");
        }
        return r.path();
    }

    private static String text(JsonNode node, String where, String key) {
        if (node == null || !(node.isString() || node.isNumber()) || node.asString().isBlank()) {
            throw new TinyException(where + ": '" + key + "' must be a non-empty string");
        }
        return node.asString().trim();
    }

    private static Map<String, String> readArgs(JsonNode node, String where, Map<String, Resource> resources, Path dir) {
        Map<String, String> args = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return args;
        }
        if (!node.isObject()) {
            throw new TinyException(where + ": 'args' must be a mapping");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (!(v.isString() || v.isNumber() || v.isBoolean())) {
                throw new TinyException(where + ": argument '" + e.getKey() + "' must be a string or a number");
            }
            String text = v.asString();
            if (v.isString() && text.matches("\\$[_a-zA-Z][_a-zA-Z0-9]*")) {
                text = resourceText(text.substring(1), resources, dir, where);
            }
            args.put(e.getKey(), text);
        }
        return args;
    }

    private static String resourceText(String name, Map<String, Resource> resources, Path dir, String where) {
        Resource r = resources.get(name);
        if (r == null) {
            throw new TinyException(where + ": argument refers to resource $" + name + ", which is not declared under 'resources'");
        }
        if (r.inline() != null) {
            return r.inline();
        }
        Path file = dir.resolve(r.path()).normalize();
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new TinyException(where + ": resource $" + name + " file " + r.path() + " cannot be read: " + e.getMessage());
        }
    }

    private static List<StageInput> readInputs(JsonNode node, String where) {
        List<StageInput> inputs = new ArrayList<>();
        if (node == null || node.isNull()) {
            return inputs;
        }
        if (!node.isArray()) {
            throw new TinyException(where + ": 'inputs' must be a list of stage names");
        }
        for (JsonNode n : node) {
            inputs.add(StageInput.parse(text(n, where, "inputs"), where));
        }
        return inputs;
    }

    private static List<PortType> readOutputs(JsonNode node, String where) {
        List<PortType> outputs = new ArrayList<>();
        if (node == null || node.isNull()) {
            return outputs;
        }
        if (!node.isArray()) {
            throw new TinyException(where + ": 'outputs' must be a list of {type, dimensions}");
        }
        int i = 0;
        for (JsonNode n : node) {
            String at = where + " output " + i++;
            if (!n.isObject() || !n.hasNonNull("type")) {
                throw new TinyException(at + ": expected {type: ..., dimensions: [...]}");
            }
            ElementType type = ElementType.parse(n.get("type").asString(), at);
            List<Integer> dims = new ArrayList<>();
            JsonNode d = n.get("dimensions");
            if (d != null && !d.isNull()) {
                if (!d.isArray()) {
                    throw new TinyException(at + ": 'dimensions' must be a list of sizes");
                }
                for (JsonNode size : d) {
                    if (!size.isIntegralNumber() || size.asLong() < 1 || size.asLong() > 1 << 28) {
                        throw new TinyException(at + ": dimension " + size + " must be a whole number from 1 to 2^28");
                    }
                    dims.add(size.asInt());
                }
            }
            outputs.add(new PortType(type, dims));
        }
        return outputs;
    }
}
