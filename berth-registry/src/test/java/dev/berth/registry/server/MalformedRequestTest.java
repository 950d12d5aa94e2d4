package dev.berth.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests Jetty itself rejects still get the spec's JSON error body, never an HTML page. */
class MalformedRequestTest {
    @TempDir
    Path root;

    @Test
    void anAmbiguousPathSegmentGetsAJsonError() throws Exception {
        try (RegistryServer server = RegistryServer.start(new RegistryServer.Config(root, "127.0.0.1", 0, false));
                Socket socket = new Socket("127.0.0.1", server.baseUri().getPort())) {
            OutputStream out = socket.getOutputStream();
            // Sent raw: an HTTP client library would normalize or refuse the encoded dot segment itself.
            out.write("GET /v2/a/manifests/%2e%2e HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400");
            assertThat(response).containsIgnoringCase("Content-Type: application/json");
            assertThat(response).contains("{\"errors\":[{\"code\":\"NAME_INVALID\"").doesNotContain("<html");
        }
    }
}
