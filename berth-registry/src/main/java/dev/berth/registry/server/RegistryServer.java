package dev.berth.registry.server;

import dev.berth.registry.RegistryException;
import dev.berth.registry.auth.HtpasswdAuthenticator;
import dev.berth.registry.storage.RegistryStorage;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * An OCI distribution spec v1.1 registry over HTTP or HTTPS (TLS 1.2 and 1.3), optionally behind htpasswd
 * authentication, the core of {@code berth registry serve}. Every request runs
 * on its own virtual thread; a graceful handler lets in-flight requests finish (briefly) when the server closes.
 */
public final class RegistryServer implements AutoCloseable {
    /** How long close() lets in-flight requests finish before cutting them off. */
    private static final long STOP_TIMEOUT_MILLIS = 5_000;
    private static final long IDLE_SHUTDOWN_MILLIS = 100;

    /**
     * Where the registry keeps its data, where it listens (port 0 picks a free port), whether it refuses writes, and
     * optionally who may use it and over TLS.
     *
     * @param htpasswd      when set, every request needs HTTP Basic credentials of a user in this htpasswd file (bcrypt)
     * @param anonymousPull with {@code htpasswd}: reads (GET and HEAD of the pull endpoints) need no credentials
     * @param tlsCert       when set (together with {@code tlsKey}), serve HTTPS with this PEM certificate chain
     * @param tlsKey        the PEM PKCS#8 private key (RSA or EC) of {@code tlsCert}
     */
    public record Config(Path root, String host, int port, boolean readOnly, Path htpasswd, boolean anonymousPull,
            Path tlsCert, Path tlsKey) {
        public Config {
            Objects.requireNonNull(root, "root");
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new RegistryException("port " + port + " is out of range 0-65535");
            }
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new RegistryException(tlsCert == null
                        ? "a TLS key needs its certificate: give --tls-cert too"
                        : "a TLS certificate needs its private key: give --tls-key too");
            }
            if (anonymousPull && htpasswd == null) {
                throw new RegistryException("anonymous pull only means something with authentication: give --htpasswd too");
            }
        }

        /** Plain HTTP without authentication. */
        public Config(Path root, String host, int port, boolean readOnly) {
            this(root, host, port, readOnly, null, false, null, null);
        }

        /** This configuration with htpasswd authentication, reads open to all when {@code anonymousPull}. */
        public Config withHtpasswd(Path file, boolean anonymousPull) {
            return new Config(root, host, port, readOnly, Objects.requireNonNull(file, "file"), anonymousPull, tlsCert, tlsKey);
        }

        /** This configuration over HTTPS with a PEM certificate chain and PEM PKCS#8 key. */
        public Config withTls(Path certificate, Path key) {
            return new Config(root, host, port, readOnly, htpasswd, anonymousPull, certificate, key);
        }

        public boolean tls() {
            return tlsCert != null;
        }
    }

    private final Server server;
    private final ServerConnector connector;
    private final String host;
    private final boolean tls;

    private RegistryServer(Server server, ServerConnector connector, String host, boolean tls) {
        this.server = server;
        this.connector = connector;
        this.host = host;
        this.tls = tls;
    }

    /** Binds and returns once listening. */
    public static RegistryServer start(Config config) {
        // the files first: a bad htpasswd, certificate or key is reported before anything listens
        HtpasswdAuthenticator auth = config.htpasswd() == null ? null : new HtpasswdAuthenticator(config.htpasswd());
        PemKeyStore keys = config.tls() ? PemKeyStore.load(config.tlsCert(), config.tlsKey()) : null;
        RegistryStorage storage = new RegistryStorage(config.root());
        VirtualThreadPool threads = new VirtualThreadPool();
        threads.setName("berth-registry");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector;
        if (keys == null) {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        } else {
            // no SNI host check: clients reach a registry by IP address as often as by name, and send no SNI then
            http.addCustomizer(new SecureRequestCustomizer(false));
            connector = new ServerConnector(server, sslContextFactory(keys), new HttpConnectionFactory(http));
        }
        connector.setHost(config.host());
        connector.setPort(config.port());
        // on close, idle keep-alive connections need not linger (Jetty's default gives them a second)
        connector.setShutdownIdleTimeout(IDLE_SHUTDOWN_MILLIS);
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(new RegistryHandler(storage, config.readOnly(), auth, config.anonymousPull())));
        server.setErrorHandler(new JsonErrorHandler());
        server.setStopTimeout(STOP_TIMEOUT_MILLIS);
        server.setStopAtShutdown(false);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new RegistryException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        return new RegistryServer(server, connector, config.host(), keys != null);
    }

    private static SslContextFactory.Server sslContextFactory(PemKeyStore keys) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keys.keyStore());
        ssl.setKeyStorePassword(keys.password());
        ssl.setKeyManagerPassword(keys.password());
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        return ssl;
    }

    /** The registry's address, for example {@code http://127.0.0.1:41234} or {@code https://127.0.0.1:41234}. */
    public URI baseUri() {
        String literal = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create((tls ? "https://" : "http://") + literal + ":" + connector.getLocalPort());
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    /** Stops listening and lets in-flight requests finish for up to a few seconds. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new RegistryException("cannot stop the registry: " + e.getMessage(), e);
        }
    }
}
