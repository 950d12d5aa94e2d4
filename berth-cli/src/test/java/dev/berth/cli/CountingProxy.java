package dev.berth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a server, counting the bytes the server sends back (headers included) and
 * keeping what clients send, so a test can see how much a client downloaded and which requests it made.
 */
final class CountingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int upstreamPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final StringBuffer requests = new StringBuffer();
    final AtomicLong bytesToClients = new AtomicLong();

    CountingProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread.ofVirtual().start(this::accept);
    }

    String domain() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    /** Everything clients sent so far (request lines, headers; pulls send no bodies). */
    String requests() {
        return requests.toString();
    }

    void reset() {
        bytesToClients.set(0);
        requests.setLength(0);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getByName("127.0.0.1"), upstreamPort);
                sockets.add(client);
                sockets.add(server);
                Thread.ofVirtual().start(() -> pump(client, server, false));
                Thread.ofVirtual().start(() -> pump(server, client, true));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean toClient) {
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                if (toClient) {
                    bytesToClients.addAndGet(n);
                } else {
                    requests.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
            }
        } catch (IOException gone) {
            // one side closed or was killed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(CountingProxy::closeQuietly);
    }
}
