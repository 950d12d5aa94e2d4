package dev.berth.registry.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The user and password of an {@code Authorization: Basic …} header (RFC 7617): base64 of {@code user:password}, the
 * user ending at the first colon, both read as UTF-8. Anything malformed is simply no credentials.
 */
public record BasicCredentials(String user, String password) {
    private static final String SCHEME = "basic";

    @Override
    public String toString() {
        return "BasicCredentials[user=" + user + "]"; // never the password, not even in a log line
    }

    /** The credentials of the header value, or empty when it is absent, another scheme, or malformed. */
    public static Optional<BasicCredentials> parse(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        if (space != SCHEME.length() || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Optional.empty();
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(value.substring(space + 1).strip());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String text = new String(decoded, StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        return Optional.of(new BasicCredentials(text.substring(0, colon), text.substring(colon + 1)));
    }

    /**
     * Whether the header carries no credentials at all: absent, or Basic with empty user and password, which
     * containers/image (skopeo, podman) sends when it has no credentials but the registry offered a Basic challenge.
     */
    public static boolean anonymous(String authorization) {
        if (authorization == null) {
            return true;
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        return space == SCHEME.length() && value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                && value.substring(space + 1).strip().equals("Og=="); // base64 of ":"
    }

    /** The header value that carries these credentials, for clients and tests. */
    public String header() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
