package dev.berth.registry.server;

import dev.berth.oci.json.Json;
import dev.berth.registry.storage.ErrorCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The spec's error body: {@code {"errors":[{"code":…,"message":…,"detail":…}]}}. */
record ErrorBody(String code, String message, String detail) {
    static ErrorBody of(ErrorCode code, String detail) {
        return new ErrorBody(code.wireCode(), code.message(), detail);
    }

    byte[] toJson() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        if (detail != null) {
            error.put("detail", detail);
        }
        return Json.canonicalBytes(Map.of("errors", List.of(error)));
    }
}
