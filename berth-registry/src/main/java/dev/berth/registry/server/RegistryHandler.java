package dev.berth.registry.server;

import dev.berth.registry.auth.BasicCredentials;
import dev.berth.registry.auth.HtpasswdAuthenticator;
import dev.berth.registry.storage.DistributionException;
import dev.berth.registry.storage.ErrorCode;
import dev.berth.registry.storage.RegistryStorage;
import dev.berth.registry.storage.RepositoryName;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Routes distribution API requests to the endpoint classes and turns failures into the spec's error bodies: a
 * {@link DistributionException} is the client's fault and answered with its code; anything else is logged and answered
 * with a generic 500 UNKNOWN, never a stack trace. Runs each request on a virtual thread and blocks freely.
 *
 * <p>With an htpasswd file, a request without valid HTTP Basic credentials gets 401 UNAUTHORIZED and a Basic
 * challenge, as distribution's htpasswd auth answers; {@code GET /v2/} included, since clients probe it to learn how to
 * authenticate. Anonymous pull lets GET and HEAD of the read endpoints (but not of {@code /v2/}, see
 * {@link #authorized}) through without credentials.
 *
 * <p>Read-only mode answers every write with 405 UNSUPPORTED: the spec reserves 401/403 (UNAUTHORIZED, DENIED) for
 * authentication and permissions, while a registry that does not offer an operation at all answers 405.
 */
final class RegistryHandler extends Handler.Abstract {
    private static final System.Logger LOG = System.getLogger(RegistryHandler.class.getName());
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final String AUTHORIZATION = "Authorization";
    private static final String WWW_AUTHENTICATE = "WWW-Authenticate";
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

    /** What anonymous pull opens; not BASE ({@code /v2/}), see {@link #authorized}. */
    private static final Set<Route.Kind> PULLS = Set.of(Route.Kind.CATALOG, Route.Kind.BLOB, Route.Kind.MANIFEST, Route.Kind.TAGS, Route.Kind.REFERRERS);
    static final String REALM = "Berth Registry";

    private final boolean readOnly;
    private final HtpasswdAuthenticator auth;
    private final boolean anonymousPull;
    private final BlobEndpoints blobs;
    private final UploadEndpoints uploads;
    private final ManifestEndpoints manifests;
    private final ListingEndpoints listings;

    RegistryHandler(RegistryStorage storage, boolean readOnly) {
        this(storage, readOnly, null, false);
    }

    /** With {@code auth} null every request is welcome; else it needs credentials, or is a pull and anonymous pulls are allowed. */
    RegistryHandler(RegistryStorage storage, boolean readOnly, HtpasswdAuthenticator auth, boolean anonymousPull) {
        this.readOnly = readOnly;
        this.auth = auth;
        this.anonymousPull = anonymousPull;
        this.blobs = new BlobEndpoints(storage);
        this.uploads = new UploadEndpoints(storage);
        this.manifests = new ManifestEndpoints(storage);
        this.listings = new ListingEndpoints(storage);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange exchange = new Exchange(request, response);
        exchange.header(Headers.API_VERSION, "registry/2.0");
        try {
            Route route = Route.parse(exchange.path());
            if (authorized(exchange, route)) {
                dispatch(exchange, route);
            } else {
                exchange.header(WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\"");
                exchange.closeConnectionIfBodyPending();
                exchange.send(401, "application/json",
                        new ErrorBody("UNAUTHORIZED", "authentication required", null).toJson());
            }
            callback.succeeded();
        } catch (DistributionException e) {
            fail(exchange, callback, e.code().httpStatus(), ErrorBody.of(e.code(), e.detail()), e);
        } catch (Throwable e) {
            String what = request.getMethod() + " " + request.getHttpURI().getPathQuery();
            if (clientWentAway(e)) {
                LOG.log(Level.INFO, "client went away during " + what + ": " + e.getMessage());
            } else {
                LOG.log(Level.ERROR, "failed " + what, e);
            }
            fail(exchange, callback, 500, ErrorBody.of(ErrorCode.UNKNOWN, "internal server error, see the registry log"), e);
        }
        return true;
    }

    /**
     * Whether the request may go on: no authentication configured, valid credentials, or none at all for a pull when
     * anonymous pulls are allowed. Credentials that are present but wrong never pass, not even for a pull; the answer
     * does not say whether the user or the password was wrong.
     *
     * <p>{@code GET /v2/} challenges anonymous clients even when anonymous pulls are allowed: docker, podman and skopeo
     * decide from that one probe whether to send credentials at all, so a 200 there would leave a client with
     * credentials unable to push (skopeo: "initiating layer upload ... unauthorized"). Without credentials,
     * containers/image then sends Basic with an empty user and password, which counts as anonymous.
     */
    private boolean authorized(Exchange exchange, Route route) {
        if (auth == null) {
            return true;
        }
        String authorization = exchange.header(AUTHORIZATION);
        if (BasicCredentials.anonymous(authorization)) {
            return anonymousPull && (exchange.method().equals("GET") || exchange.isHead())
                    && PULLS.contains(route.kind());
        }
        return auth.authenticate(authorization).isPresent();
    }

    private void dispatch(Exchange exchange, Route route) throws Exception {
        if (route.kind() == Route.Kind.NOT_FOUND) {
            // no name, so no NAME_UNKNOWN: the spec has no code for a path outside the API
            exchange.send(404, "application/json", new ErrorBody("UNSUPPORTED", "no such endpoint", exchange.path()).toJson());
            return;
        }
        if (readOnly && WRITES.contains(exchange.method())) {
            exchange.header(Headers.ALLOW, "GET, HEAD");
            throw new DistributionException(ErrorCode.UNSUPPORTED, "this registry is read-only");
        }
        RepositoryName name = route.name() == null ? null : new RepositoryName(route.name());
        switch (route.kind()) {
            case BASE -> {
                if (!exchange.method().equals("GET") && !exchange.isHead()) {
                    throw Methods.unsupported(exchange, "GET, HEAD");
                }
                exchange.send(200, "application/json", EMPTY_OBJECT);
            }
            case CATALOG -> listings.catalog(exchange);
            case BLOB -> blobs.handle(exchange, name, route.argument());
            case UPLOAD_START -> uploads.start(exchange, name);
            case UPLOAD -> uploads.handle(exchange, name, route.argument());
            case MANIFEST -> manifests.handle(exchange, name, route.argument());
            case TAGS -> listings.tags(exchange, name);
            case REFERRERS -> listings.referrers(exchange, name, route.argument());
            case NOT_FOUND -> throw new IllegalStateException("handled above");
        }
    }

    /** A connection the client closed midway is no server fault; it only deserves a line in the log. */
    private static boolean clientWentAway(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof EofException) {
                return true;
            }
        }
        return false;
    }

    private static void fail(Exchange exchange, Callback callback, int status, ErrorBody body, Throwable cause) {
        if (exchange.committed()) {
            callback.failed(cause); // headers are out: all that is left is to abort the response
            return;
        }
        try {
            exchange.closeConnectionIfBodyPending();
            exchange.send(status, "application/json", body.toJson());
            callback.succeeded();
        } catch (Throwable e) {
            e.addSuppressed(cause);
            callback.failed(e);
        }
    }

}
