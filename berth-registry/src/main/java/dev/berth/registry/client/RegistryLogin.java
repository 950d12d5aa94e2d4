package dev.berth.registry.client;

import dev.berth.registry.RegistryException;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * Checks a user name and password against a registry before they are stored, as {@code docker login} does: GET
 * {@code /v2/} answered through the client's own challenge flow (Basic, or a token from a Bearer realm).
 */
public final class RegistryLogin {
    private RegistryLogin() {
    }

    /**
     * Throws "login to DOMAIN failed: unauthorized: incorrect username or password" when the registry (or its token
     * service) refuses the credentials, and "login to DOMAIN failed: …" for any other failure. A registry that asks for
     * nothing accepts any credentials.
     */
    public static void verify(ClientOptions options, String domain, Credentials credentials) {
        ClientOptions withCredentials = options.withCredentials(CredentialStore.of(Map.of(domain, credentials)));
        try (Transport transport = new Transport(withCredentials)) {
            HttpResponse<byte[]> response = transport.send(domain, "",
                    Transport.Call.get(transport.apiBase(domain), Map.of()), HttpResponse.BodyHandlers.ofByteArray());
            int status = response.statusCode();
            if (status == 401 || status == 403) {
                throw refused(domain);
            }
            if (status / 100 != 2) {
                throw new RegistryException("login to " + domain + " failed: " + domain + " answered "
                        + Transport.errorOf(response) + " to GET " + transport.apiBase(domain));
            }
        } catch (RegistryException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("unauthorized")) {
                throw refused(domain);
            }
            if (e.getMessage() != null && e.getMessage().startsWith("login to ")) {
                throw e;
            }
            throw new RegistryException("login to " + domain + " failed: " + e.getMessage(), e);
        }
    }

    private static RegistryException refused(String domain) {
        return new RegistryException("login to " + domain + " failed: unauthorized: incorrect username or password");
    }
}
