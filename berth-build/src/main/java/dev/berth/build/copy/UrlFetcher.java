package dev.berth.build.copy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/** Downloads ADD's http(s) sources to a file, digesting them on the way. */
final class UrlFetcher {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(10);

    /** A finished download: where it is and its "sha256:…". */
    record Download(Path file, String digest) {
    }

    // Made on the first download: building an HttpClient costs about 200 ms, and most COPY/ADD steps download nothing.
    private HttpClient client;

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(CONNECT_TIMEOUT)
                    .build();
        }
        return client;
    }

    /** Downloads {@code url} into {@code file} (created new); a non-2xx answer is an IOException naming the status. */
    Download fetch(String url, Path file) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(RESPONSE_TIMEOUT).GET().build();
        HttpResponse<InputStream> response = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() / 100 != 2) {
                throw new IOException("the server answered HTTP " + response.statusCode());
            }
            MessageDigest sha = DestinationWriter.sha256();
            byte[] buffer = new byte[128 * 1024];
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (int n; (n = body.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            return new Download(file, "sha256:" + HexFormat.of().formatHex(sha.digest()));
        }
    }
}
