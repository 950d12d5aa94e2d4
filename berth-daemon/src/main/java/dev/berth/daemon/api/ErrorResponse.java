package dev.berth.daemon.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Every API error body, as Docker's: {@code {"message": "..."}}. */
public record ErrorResponse(@JsonProperty("message") String message) {
}
