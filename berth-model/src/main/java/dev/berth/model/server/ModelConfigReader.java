package dev.berth.model.server;

import dev.berth.model.ModelException;
import dev.berth.model.repository.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads a model's {@code config.json} ({@link ModelConfig}'s JSON form) with Jackson's streaming parser. The server
 * avoids Jackson's data binding at start-up: loading its five hundred classes would be a tenth of a cold start.
 * Fields it does not know are skipped, as {@link ModelConfig#read} does.
 */
final class ModelConfigReader {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private ModelConfigReader() {
    }

    static ModelConfig read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException("cannot read model config " + file + ": " + e.getMessage(), e);
        }
        String what = "model config " + file;
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ModelException(what + " is not a JSON object");
            }
            String name = null;
            String version = null;
            ModelConfig.Batching batching = null;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "name" -> name = text(p, value, what, field);
                    case "version" -> version = text(p, value, what, field);
                    case "batching" -> batching = value == JsonToken.VALUE_NULL ? null : batching(p, value, what);
                    default -> p.skipChildren();
                }
            }
            return new ModelConfig(name, version, batching);
        } catch (JacksonException e) {
            throw new ModelException("malformed " + what + ": " + e.getOriginalMessage(), e);
        }
    }

    private static String text(JsonParser p, JsonToken value, String what, String field) {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw new ModelException(what + ": \"" + field + "\" must be a string");
        }
        return p.getString();
    }

    private static ModelConfig.Batching batching(JsonParser p, JsonToken value, String what) {
        if (value != JsonToken.START_OBJECT) {
            throw new ModelException(what + ": \"batching\" must be an object or null");
        }
        int maxSize = 0;
        long maxDelayMicros = 0;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "maxSize" -> maxSize = (int) number(p, v, what, field, Integer.MAX_VALUE);
                case "maxDelayMicros" -> maxDelayMicros = number(p, v, what, field, Long.MAX_VALUE / 1000);
                default -> p.skipChildren();
            }
        }
        return new ModelConfig.Batching(maxSize, maxDelayMicros);
    }

    private static long number(JsonParser p, JsonToken v, String what, String field, long max) {
        if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() > max) {
            throw new ModelException(what + ": \"batching\".\"" + field + "\" must be a whole number up to " + max);
        }
        return p.getLongValue();
    }
}
