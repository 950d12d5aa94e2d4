package dev.berth.registry.client;

import dev.berth.oci.json.Json;
import dev.berth.registry.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * HTTP to registries: scheme and API host, authentication (Basic, and Docker's Bearer token flow with tokens cached per
 * scope), and redirects (followed by hand so credentials never go to another host, as blob storage redirects need).
 */
final class Transport implements AutoCloseable {
    private static final int MAX_REDIRECTS = 5;

    private final ClientOptions options;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    /** Built on first use: the HTTPS client loads the system trust store, which a loopback registry never needs. */
    private HttpClient plainHttp;
    private HttpClient https;
    /** "Authorization" values by domain + " " + scope. */
    private final Map<String, CachedAuth> authCache = new ConcurrentHashMap<>();

    private record CachedAuth(String header, Instant expires) {
        boolean fresh() {
            return expires == null || Instant.now().isBefore(expires);
        }
    }

    /** One request: what to send, and the scope it needs (for example {@code repository:team/model:pull}). */
    record Call(String method, URI uri, Map<String, String> headers, Supplier<HttpRequest.BodyPublisher> body) {
        static Call get(URI uri, Map<String, String> headers) {
            return new Call("GET", uri, headers, HttpRequest.BodyPublishers::noBody);
        }
    }

    Transport(ClientOptions options) {
        this.options = options;
    }

    /** The client for a URI: HTTPS with the system's trust store, or plain HTTP without loading it. */
    private synchronized HttpClient client(URI uri) {
        if ("https".equalsIgnoreCase(uri.getScheme())) {
            if (https == null) {
                https = builder().build();
            }
            return https;
        }
        if (plainHttp == null) {
            plainHttp = builder().sslContext(noTlsContext()).build();
        }
        return plainHttp;
    }

    private HttpClient.Builder builder() {
        return HttpClient.newBuilder()
                .executor(executor)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(options.timeout());
    }

    /**
     * A TLS context that trusts nothing, for the plain-HTTP client: it never makes a TLS connection, and empty trust
     * managers keep the JDK from parsing the system's certificates just to build it.
     */
    private static javax.net.ssl.SSLContext noTlsContext() {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(new javax.net.ssl.KeyManager[0], new javax.net.ssl.TrustManager[0], null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new RegistryException("cannot set up the HTTP client: " + e.getMessage(), e);
        }
    }

    /** The host the API of a registry domain lives on: Docker Hub's is registry-1.docker.io. */
    static String apiHost(String domain) {
        return domain.equals("docker.io") ? "registry-1.docker.io" : domain;
    }

    /** Loopback registries are plain HTTP, as Docker allows without configuration. */
    static boolean isLoopback(String domain) {
        String host = domain;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            host = close < 0 ? host : host.substring(1, close);
        } else {
            int colon = host.lastIndexOf(':');
            if (colon >= 0 && host.indexOf(':') == colon) {
                host = host.substring(0, colon);
            }
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] octets = host.split("\\.", -1);
        if (octets.length != 4 || !octets[0].equals("127")) {
            return false;
        }
        for (String o : octets) {
            if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(Character::isDigit) || Integer.parseInt(o) > 255) {
                return false;
            }
        }
        return true;
    }

    boolean plainHttp(String domain) {
        return !options.tlsVerify() || options.insecureHosts().contains(domain) || isLoopback(domain);
    }

    /** {@code https://registry-1.docker.io/v2/}, {@code http://127.0.0.1:5000/v2/}. */
    URI apiBase(String domain) {
        return URI.create((plainHttp(domain) ? "http" : "https") + "://" + apiHost(domain) + "/v2/");
    }

    /**
     * Sends a call, answering a 401 once: with Basic credentials, or with a bearer token from the challenge's realm.
     * Connection failures become a RegistryException naming the registry.
     */
    <T> HttpResponse<T> send(String domain, String scope, Call call, HttpResponse.BodyHandler<T> handler) {
        String key = domain + " " + scope;
        CachedAuth cached = authCache.get(key);
        if (cached == null) {
            cached = authCache.get(domain + " basic");
        }
        String auth = cached != null && cached.fresh() ? cached.header() : null;
        HttpResponse<T> response = exchange(domain, call, auth, handler);
        if (response.statusCode() != 401) {
            return response;
        }
        List<String> headers = response.headers().allValues("WWW-Authenticate");
        discard(response);
        List<AuthChallenge> challenges = new ArrayList<>();
        headers.forEach(h -> challenges.addAll(AuthChallenge.parse(h)));
        auth = authenticate(domain, scope, challenges);
        response = exchange(domain, call, auth, handler);
        if (response.statusCode() == 401) {
            discard(response);
            authCache.remove(key);
            authCache.remove(domain + " basic");
            throw new RegistryException("unauthorized: " + domain + " refused the credentials for " + describe(scope)
                    + (options.credentials().lookup(domain).isEmpty() ? " (no credentials for " + domain + " in the Docker config)" : ""));
        }
        return response;
    }

    private static String describe(String scope) {
        String[] parts = scope.split(":");
        return parts.length == 3 ? parts[2] + " access to " + parts[1] : scope;
    }

    private String authenticate(String domain, String scope, List<AuthChallenge> challenges) {
        Optional<Credentials> credentials = options.credentials().lookup(domain);
        AuthChallenge bearer = challenges.stream().filter(c -> c.scheme().equals("bearer")).findFirst().orElse(null);
        if (bearer != null) {
            String header = "Bearer " + fetchToken(domain, scope, bearer, credentials.orElse(null));
            return header;
        }
        AuthChallenge basic = challenges.stream().filter(c -> c.scheme().equals("basic")).findFirst().orElse(null);
        if (basic != null) {
            Credentials c = credentials.orElseThrow(() -> new RegistryException(
                    "unauthorized: " + domain + " asks for a user name and password and the Docker config has none for it"));
            String header = c.basicHeader();
            authCache.put(domain + " basic", new CachedAuth(header, null));
            return header;
        }
        throw new RegistryException("unauthorized: " + domain + " answered 401 without a challenge Berth understands"
                + (challenges.isEmpty() ? "" : " (" + challenges.getFirst().scheme() + ")"));
    }

    /**
     * The token flow of distribution's token spec. With an identity token (an OAuth2 refresh token) it is traded by
     * POST realm with {@code grant_type=refresh_token}; a token server without OAuth2 answers that POST 404, and then,
     * as without one, GET realm?service=…&scope=… with Basic credentials when there are any.
     */
    private String fetchToken(String domain, String scope, AuthChallenge challenge, Credentials credentials) {
        String realm = challenge.param("realm");
        if (realm == null || realm.isEmpty()) {
            throw new RegistryException(domain + " sent a Bearer challenge without a realm");
        }
        String service = challenge.param("service");
        List<String> scopes = new ArrayList<>();
        if (scope != null && !scope.isEmpty()) {
            scopes.add(scope); // a login checks /v2/ itself and asks for no scope, as docker login does
        }
        String asked = challenge.param("scope");
        if (asked != null && !asked.isEmpty() && !asked.equals(scope)) {
            scopes.add(asked);
        }
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(domain + " sent a Bearer realm that is not a URL: " + realm);
        }
        HttpResponse<byte[]> response = null;
        boolean oauth = credentials != null && credentials.hasIdentityToken();
        if (oauth) {
            StringBuilder form = new StringBuilder("grant_type=refresh_token");
            form.append("&service=").append(encode(service == null ? "" : service));
            form.append("&client_id=").append(encode(OAUTH_CLIENT_ID));
            form.append("&refresh_token=").append(encode(credentials.identityToken()));
            if (!scopes.isEmpty()) {
                form.append("&scope=").append(encode(String.join(" ", scopes)));
            }
            response = tokenRequest(domain, realmUri, HttpRequest.newBuilder(realmUri)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString())));
            if (response.statusCode() == 404) {
                response = null; // no OAuth2 here: the plain GET below
            }
        }
        if (response == null) {
            StringBuilder query = new StringBuilder();
            if (service != null) {
                query.append("service=").append(encode(service));
            }
            for (String s : scopes) {
                query.append(query.isEmpty() ? "" : "&").append("scope=").append(encode(s));
            }
            URI uri;
            try {
                uri = URI.create(realm + (query.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + query));
            } catch (IllegalArgumentException e) {
                throw new RegistryException(domain + " sent a Bearer realm that is not a URL: " + realm);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
            if (credentials != null && !credentials.username().equals(Credentials.TOKEN_USER)) {
                request.header("Authorization", credentials.basicHeader());
            }
            response = tokenRequest(domain, uri, request);
        }
        if (response.statusCode() == 401 || response.statusCode() == 403
                || (oauth && response.statusCode() == 400 && isInvalidGrant(response.body()))) {
            throw new RegistryException("unauthorized: the token service of " + domain + " refused "
                    + (credentials == null ? "anonymous access"
                            : oauth ? "the identity token in the Docker config (log in again)"
                            : "the credentials of " + credentials.username())
                    + " to " + describe(scope) + " (HTTP " + response.statusCode() + ")");
        }
        if (response.statusCode() != 200) {
            throw new RegistryException("the token service of " + domain + " answered HTTP " + response.statusCode());
        }
        JsonNode body;
        try {
            body = Json.tree(response.body(), "token response");
        } catch (dev.berth.oci.OciException e) {
            throw new RegistryException("the token service of " + domain + " sent " + e.getMessage());
        }
        String token = body.path("token").asString("");
        if (token.isEmpty()) {
            token = body.path("access_token").asString("");
        }
        if (token.isEmpty()) {
            throw new RegistryException("the token service of " + domain + " sent no token");
        }
        long expiresIn = body.path("expires_in").asLong(60);
        // renew a little early; the spec's minimum lifetime is 60 s
        Instant expires = Instant.now().plusSeconds(Math.max(10, expiresIn - 10));
        authCache.put(domain + " " + scope, new CachedAuth("Bearer " + token, expires));
        return token;
    }

    /** The client_id sent with OAuth2 token requests, which the token spec requires to name the client. */
    static final String OAUTH_CLIENT_ID = "berth";

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static boolean isInvalidGrant(byte[] body) {
        try {
            return "invalid_grant".equals(Json.tree(body, "token error").path("error").asString(""));
        } catch (RuntimeException notJson) {
            return false;
        }
    }

    private HttpResponse<byte[]> tokenRequest(String domain, URI uri, HttpRequest.Builder request) {
        try {
            return client(uri).send(request.timeout(options.timeout()).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable("the token service of " + domain + " (" + uri.getHost() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted");
        }
    }

    private <T> HttpResponse<T> exchange(String domain, Call call, String auth, HttpResponse.BodyHandler<T> handler) {
        URI uri = call.uri();
        String method = call.method();
        String origin = origin(uri);
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(options.timeout())
                    .method(method, method.equals("GET") || method.equals("HEAD") ? HttpRequest.BodyPublishers.noBody() : call.body().get());
            call.headers().forEach(request::header);
            if (auth != null && origin(uri).equals(origin)) {
                request.header("Authorization", auth);
            }
            HttpResponse<T> response;
            try {
                response = client(uri).send(request.build(), handler);
            } catch (IOException e) {
                throw unreachable(domain + " (" + uri.getScheme() + "://" + uri.getAuthority() + ")", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException("interrupted while talking to " + domain);
            }
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("Location");
            boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
            if (!redirect || location.isEmpty() || !(method.equals("GET") || method.equals("HEAD"))) {
                return response;
            }
            discard(response);
            if (hop >= MAX_REDIRECTS) {
                throw new RegistryException(domain + " redirected more than " + MAX_REDIRECTS + " times for " + call.uri());
            }
            uri = uri.resolve(location.get());
        }
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    static RegistryException unreachable(String what, IOException e) {
        String reason = e instanceof ConnectException ? "connection refused"
                : e instanceof HttpConnectTimeoutException ? "connection timed out"
                : e instanceof HttpTimeoutException ? "no answer in time"
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (e instanceof javax.net.ssl.SSLException) {
            reason = "TLS failed: " + reason + " (is it a plain-HTTP registry? use --tls-verify=false)";
        }
        return new RegistryException("cannot reach " + what + ": " + reason, e);
    }

    /** Closes a response body that will not be read (streamed bodies hold the connection until closed). */
    static void discard(HttpResponse<?> response) {
        if (response.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the connection goes anyway
            }
        }
    }

    /** The error of a response, from the OCI error body when there is one: "MANIFEST_UNKNOWN: manifest unknown". */
    static String errorOf(HttpResponse<?> response) {
        byte[] body = null;
        if (response.body() instanceof byte[] bytes) {
            body = bytes;
        } else if (response.body() instanceof InputStream in) {
            try (in) {
                body = in.readNBytes(64 * 1024);
            } catch (IOException e) {
                body = null;
            }
        }
        String detail = "HTTP " + response.statusCode();
        if (body != null && body.length > 0) {
            try {
                JsonNode errors = Json.tree(body, "error").path("errors");
                if (errors.isArray() && !errors.isEmpty()) {
                    List<String> parts = new ArrayList<>();
                    for (JsonNode error : errors) {
                        String code = error.path("code").asString("");
                        String message = error.path("message").asString("");
                        parts.add(message.isEmpty() ? code : code + ": " + message);
                    }
                    return String.join("; ", parts) + " (" + detail + ")";
                }
            } catch (RuntimeException notJson) {
                // fall through to the status
            }
        }
        return detail;
    }

    @Override
    public synchronized void close() {
        if (plainHttp != null) {
            plainHttp.close();
        }
        if (https != null) {
            https.close();
        }
        executor.close();
    }
}
