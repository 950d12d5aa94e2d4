package dev.berth.daemon.server;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.deploy.Deployments;
import dev.berth.daemon.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * The engine's API, JSON over HTTP/1.1 on a Unix socket (mode 0660: the socket's permissions are the access control,
 * as Docker's). Every request runs on its own virtual thread, so long waits (logs -f, wait, exec) cost nothing.
 */
public final class ApiServer implements AutoCloseable {
    private final Server server;
    private final Path socket;

    private ApiServer(Server server, Path socket) {
        this.server = server;
        this.socket = socket;
    }

    public static ApiServer start(Engine engine, Deployments deployments, Path socket) {
        try {
            Files.createDirectories(socket.getParent());
            Files.deleteIfExists(socket); // a stale socket of a dead daemon; the daemon lock says none is alive
        } catch (IOException e) {
            throw new EngineException("cannot prepare " + socket + ": " + e.getMessage(), e);
        }
        VirtualThreadPool threads = new VirtualThreadPool();
        threads.setName("berth-api");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(false);
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server, new HttpConnectionFactory(http));
        connector.setUnixDomainPath(socket);
        connector.setIdleTimeout(0); // follow and wait requests may last as long as a container
        server.addConnector(connector);
        server.setHandler(new ApiHandler(engine, deployments));
        server.setStopTimeout(2_000);
        server.setStopAtShutdown(false);
        try {
            server.start();
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new EngineException("cannot listen on " + socket + ": " + e.getMessage(), e);
        }
        return new ApiServer(server, socket);
    }

    public Path socket() {
        return socket;
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new EngineException("cannot stop the API server: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException ignored) {
                // the next daemon replaces it
            }
        }
    }
}
