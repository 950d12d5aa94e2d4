package dev.berth.registry.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A user name and password (or token) for one registry. */
public record Credentials(String username, String password) {
    @Override
    public String toString() {
        return "Credentials[" + username + ", ****]";
    }

    /** The value of an {@code Authorization: Basic …} header. */
    public String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
