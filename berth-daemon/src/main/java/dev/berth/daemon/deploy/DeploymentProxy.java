package dev.berth.daemon.deploy;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.EngineException.Kind;
import java.io.IOException;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The stable host port of a deployment: an HTTP/1.1 reverse proxy (Jetty's) that sends each request, not each
 * connection, to the next replica in the pool, over kept-alive connections to the replicas. Balancing per request is
 * what lets a replica be drained while clients keep their connections open.
 */
final class DeploymentProxy implements AutoCloseable {
    private static final String TARGET = DeploymentProxy.class.getName() + ".target";

    private final Server server;
    private final ServerConnector connector;
    private final BalancingHandler handler;

    private DeploymentProxy(Server server, ServerConnector connector, BalancingHandler handler) {
        this.server = server;
        this.connector = connector;
        this.handler = handler;
    }

    /** Listens on {@code address:port}; fails with a message naming the port when it is taken. */
    static DeploymentProxy start(String deployment, String address, int port, ReplicaPool pool) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 2);
        threads.setName("deploy-" + deployment);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(address);
        connector.setPort(port);
        connector.setIdleTimeout(60_000);
        connector.setReuseAddress(true);
        server.addConnector(connector);
        BalancingHandler handler = new BalancingHandler(deployment, pool);
        server.setHandler(handler);
        server.setStopTimeout(5_000);
        server.setStopAtShutdown(false);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof BindException || e.getCause() instanceof BindException
                    || (e instanceof IOException && String.valueOf(e.getMessage()).contains("bind"))) {
                throw new EngineException(Kind.CONFLICT, "cannot listen on " + address + ":" + port
                        + " for deployment " + deployment + ": the port is in use");
            }
            throw new EngineException(Kind.FAILED, "cannot listen on " + address + ":" + port + " for deployment "
                    + deployment + ": " + e.getMessage(), e);
        }
        return new DeploymentProxy(server, connector, handler);
    }

    int port() {
        return connector.getLocalPort();
    }

    /** Closes the proxy's pooled connections to a replica that left the pool for good. */
    void forget(Replica replica) {
        HttpClient client = handler.getHttpClient();
        if (client == null) {
            return;
        }
        for (Destination d : client.getDestinations()) {
            if (d.getOrigin().getAddress().getHost().equals(replica.ip) && d.getOrigin().getAddress().getPort() == replica.port) {
                client.removeDestination(d);
            }
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new EngineException("cannot stop the proxy on " + connector.getHost() + ":" + connector.getPort() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Picks the replica, proxies to it, and gives the replica back when the exchange with the client ends. */
    private static final class BalancingHandler extends ProxyHandler.Reverse {
        private final String deployment;
        private final ReplicaPool pool;

        BalancingHandler(String deployment, ReplicaPool pool) {
            super(request -> (HttpURI) request.getAttribute(TARGET));
            this.deployment = deployment;
            this.pool = pool;
        }

        @Override
        protected HttpClient newHttpClient() {
            HttpClient client = super.newHttpClient();
            client.setConnectTimeout(2_000);
            // shorter than servers keep idle connections (Jetty: 30 s), so the proxy never reuses one the replica is closing
            client.setIdleTimeout(10_000);
            client.setMaxConnectionsPerDestination(256);
            client.setFollowRedirects(false);
            return client;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Replica replica = pool.acquire();
            if (replica == null) {
                response.setStatus(503);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
                byte[] body = ("{\"error\":\"deployment " + deployment + " has no ready replica\"}")
                        .getBytes(StandardCharsets.UTF_8);
                response.write(true, ByteBuffer.wrap(body), callback);
                return true;
            }
            request.setAttribute(TARGET, HttpURI.build(request.getHttpURI()).scheme("http").host(replica.ip).port(replica.port));
            Callback releasing = new Callback.Nested(callback) {
                @Override
                public void completed() {
                    ReplicaPool.release(replica);
                }
            };
            try {
                return super.handle(request, response, releasing);
            } catch (RuntimeException e) {
                ReplicaPool.release(replica);
                throw e;
            }
        }
    }
}
