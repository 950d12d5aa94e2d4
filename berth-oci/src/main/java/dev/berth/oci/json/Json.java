package dev.berth.oci.json;

import dev.berth.oci.OciException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper. Canonical output for blobs Berth writes: compact, no trailing newline, fields in declared order,
 * map keys sorted, so the same record always gives the same bytes and therefore the same digest.
 */
public final class Json {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // an absent number or flag is its zero value, as Go's JSON decoding (Docker's API clients leave them out)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();
    private static final JsonMapper PRETTY = MAPPER.rebuild().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Json() {
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }

    public static byte[] canonicalBytes(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }

    public static String pretty(Object value) {
        return PRETTY.writeValueAsString(value);
    }

    /** Reads JSON into a type; malformed input becomes an OciException that names what was being read. */
    public static <T> T read(byte[] bytes, Class<T> type, String what) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (JacksonException e) {
            throw new OciException("malformed " + what + ": " + e.getOriginalMessage(), e);
        }
    }

    public static JsonNode tree(byte[] bytes, String what) {
        try {
            return MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw new OciException("malformed " + what + ": " + e.getOriginalMessage(), e);
        }
    }
}
