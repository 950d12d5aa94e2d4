package dev.berth.build.lock;

import dev.berth.build.BuildException;
import dev.berth.oci.digest.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Downloads a remote ADD source and digests it while it streams (nothing is kept on disk or in memory), following
 * redirects as {@code ADD} does. A status other than 200 is an error.
 */
public final class UrlDigester implements AutoCloseable {
    private static final int BUFFER = 256 * 1024;
    private final HttpClient http;
    private final Duration timeout;

    public UrlDigester(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(timeout).build();
    }

    public static UrlDigester withDefaults() {
        return new UrlDigester(Duration.ofSeconds(30));
    }

    /** The sha256 of what {@code url} serves now. */
    public Digest sha256(String url) {
        return digests(url, List.of("sha256")).get("sha256");
    }

    /**
     * The content's digest in each algorithm ({@code sha256}, {@code sha512}), computed in one download.
     *
     * @throws BuildException when the URL is malformed, cannot be reached, or answers other than 200
     */
    public Map<String, Digest> digests(String url, List<String> algorithms) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new BuildException("invalid URL '" + url + "': " + e.getMessage());
        }
        Map<String, MessageDigest> hashers = new LinkedHashMap<>();
        algorithms.forEach(a -> hashers.put(a, Digest.newMessageDigest(a)));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new BuildException("downloading " + url + " failed: HTTP " + response.statusCode());
                }
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    for (MessageDigest md : hashers.values()) {
                        md.update(buffer, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            throw new BuildException("cannot download " + url + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted while downloading " + url);
        } catch (IllegalArgumentException e) {
            throw new BuildException("cannot download " + url + ": " + e.getMessage());
        }
        Map<String, Digest> out = new LinkedHashMap<>();
        hashers.forEach((a, md) -> out.put(a, new Digest(a, HexFormat.of().formatHex(md.digest()))));
        return out;
    }

    @Override
    public void close() {
        http.close();
    }
}
