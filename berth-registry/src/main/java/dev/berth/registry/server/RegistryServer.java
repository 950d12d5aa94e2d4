package dev.berth.registry.server;

import dev.berth.registry.RegistryException;
import dev.berth.registry.storage.RegistryStorage;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * An OCI distribution spec v1.1 registry over plain HTTP, the core of {@code berth registry serve}. Every request runs
 * on its own virtual thread; a graceful handler lets in-flight requests finish (briefly) when the server closes.
 */
public final class RegistryServer implements AutoCloseable {
    /** How long close() lets in-flight requests finish before cutting them off. */
    private static final long STOP_TIMEOUT_MILLIS = 5_000;
    private static final long IDLE_SHUTDOWN_MILLIS = 100;

    /** Where the registry keeps its data, where it listens (port 0 picks a free port), and whether it refuses writes. */
    public record Config(Path root, String host, int port, boolean readOnly) {
        public Config {
            Objects.requireNonNull(root, "root");
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new RegistryException("port " + port + " is out of range 0-65535");
            }
        }
    }

    private final Server server;
    private final ServerConnector connector;
    private final String host;

    private RegistryServer(Server server, ServerConnector connector, String host) {
        this.server = server;
        this.connector = connector;
        this.host = host;
    }

    /** Binds and returns once listening. */
    public static RegistryServer start(Config config) {
        RegistryStorage storage = new RegistryStorage(config.root());
        VirtualThreadPool threads = new VirtualThreadPool();
        threads.setName("berth-registry");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        // on close, idle keep-alive connections need not linger (Jetty's default gives them a second)
        connector.setShutdownIdleTimeout(IDLE_SHUTDOWN_MILLIS);
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(new RegistryHandler(storage, config.readOnly())));
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
        return new RegistryServer(server, connector, config.host());
    }

    /** The registry's address, for example {@code http://127.0.0.1:41234}. */
    public URI baseUri() {
        String literal = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create("http://" + literal + ":" + connector.getLocalPort());
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
