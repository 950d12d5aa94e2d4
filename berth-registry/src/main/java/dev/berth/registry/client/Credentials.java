package dev.berth.registry.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A user name and password (or token) for one registry, and possibly an identity token: an OAuth2 refresh token
 * (Docker's {@code identitytoken}) that the Bearer token flow trades for access tokens instead of the password.
 */
public record Credentials(String username, String password, String identityToken) {
    /** The user name Docker stores beside an identity token, and credential helpers answer for one. */
    public static final String TOKEN_USER = "<token>";

    public Credentials {
        if (identityToken != null && identityToken.isEmpty()) {
            identityToken = null;
        }
    }

    public Credentials(String username, String password) {
        this(username, password, null);
    }

    /** Credentials that are an identity token only. */
    public static Credentials identityToken(String token) {
        return new Credentials(TOKEN_USER, "", token);
    }

    public boolean hasIdentityToken() {
        return identityToken != null;
    }

    @Override
    public String toString() {
        return "Credentials[" + username + ", ****" + (identityToken == null ? "" : ", identity token ****") + "]";
    }

    /** The value of an {@code Authorization: Basic …} header. */
    public String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
