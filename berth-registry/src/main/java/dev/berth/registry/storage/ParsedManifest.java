package dev.berth.registry.storage;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * What the registry needs to know of a pushed manifest or index: its media type, the blobs and child manifests it
 * references (which must exist), and the referrers-API fields. Read from the JSON tree rather than a typed record so
 * unknown fields never make a valid manifest fail, and the stored bytes stay exactly the pushed ones.
 */
record ParsedManifest(
        String mediaType,
        String artifactType,
        String configMediaType,
        List<Digest> blobs,
        List<Digest> manifests,
        Digest subject,
        Map<String, String> annotations) {

    ParsedManifest {
        blobs = List.copyOf(blobs);
        manifests = List.copyOf(manifests);
        annotations = annotations == null ? null : Map.copyOf(annotations);
    }

    boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }

    /**
     * Parses and checks a manifest. The media type comes from Content-Type when that names a manifest type, else from
     * the body's mediaType; when both are given they must agree.
     */
    static ParsedManifest parse(byte[] body, String contentType) {
        JsonNode root;
        try {
            root = Json.tree(body, "manifest");
        } catch (OciException e) {
            throw invalid(e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid("a manifest must be a JSON object");
        }
        String declared = text(root, "mediaType");
        String header = contentType == null ? null : contentType.split(";", 2)[0].trim();
        boolean headerKnown = header != null && (MediaTypes.isManifest(header) || MediaTypes.isIndex(header));
        String mediaType = headerKnown ? header : declared;
        if (mediaType == null || !(MediaTypes.isManifest(mediaType) || MediaTypes.isIndex(mediaType))) {
            throw invalid("unsupported manifest media type " + (mediaType == null ? "(none given)" : "'" + mediaType + "'"));
        }
        if (declared != null && !declared.equals(mediaType)) {
            throw invalid("Content-Type " + mediaType + " disagrees with the manifest's mediaType " + declared);
        }
        JsonNode schemaVersion = root.get("schemaVersion");
        if (schemaVersion == null || !schemaVersion.isIntegralNumber() || schemaVersion.intValue() != 2) {
            throw invalid("schemaVersion must be 2");
        }
        List<Digest> blobs = new ArrayList<>();
        List<Digest> manifests = new ArrayList<>();
        String configMediaType = null;
        if (MediaTypes.isIndex(mediaType)) {
            for (JsonNode child : array(root, "manifests", true)) {
                manifests.add(descriptorDigest(child, "manifests[]"));
            }
        } else {
            JsonNode config = root.get("config");
            if (config == null) {
                throw invalid("an image manifest needs a config descriptor");
            }
            blobs.add(descriptorDigest(config, "config"));
            configMediaType = text(config, "mediaType");
            for (JsonNode layer : array(root, "layers", true)) {
                blobs.add(descriptorDigest(layer, "layers[]"));
            }
        }
        JsonNode subjectNode = root.get("subject");
        Digest subject = subjectNode == null || subjectNode.isNull() ? null : descriptorDigest(subjectNode, "subject");
        return new ParsedManifest(mediaType, text(root, "artifactType"), configMediaType, blobs, manifests, subject,
                annotations(root));
    }

    private static Digest descriptorDigest(JsonNode descriptor, String where) {
        if (!descriptor.isObject()) {
            throw invalid(where + " must be a descriptor object");
        }
        String digest = text(descriptor, "digest");
        if (digest == null) {
            throw invalid(where + " has no digest");
        }
        JsonNode size = descriptor.get("size");
        if (size == null || !size.isIntegralNumber() || size.longValue() < 0) {
            throw invalid(where + " needs a non-negative size");
        }
        try {
            return Digest.parse(digest);
        } catch (OciException e) {
            throw invalid(where + ": " + e.getMessage());
        }
    }

    private static List<JsonNode> array(JsonNode root, String field, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw invalid("the manifest needs a '" + field + "' array");
            }
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid("'" + field + "' must be an array");
        }
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items;
    }

    private static Map<String, String> annotations(JsonNode root) {
        JsonNode node = root.get("annotations");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw invalid("annotations must be an object of strings");
        }
        Map<String, String> annotations = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isString()) {
                throw invalid("annotation '" + entry.getKey() + "' must be a string");
            }
            annotations.put(entry.getKey(), entry.getValue().stringValue());
        }
        return annotations;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw invalid("'" + field + "' must be a string");
        }
        return value.stringValue();
    }

    private static DistributionException invalid(String detail) {
        return new DistributionException(ErrorCode.MANIFEST_INVALID, detail);
    }
}
