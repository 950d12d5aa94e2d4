package dev.berth.tiny.fleet;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.reference.Reference;
import dev.berth.tiny.TinyException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A device's own minimal pull client, as small firmware would have: anonymous GETs of the OCI distribution API
 * ({@code /v2/NAME/manifests/REF}, {@code /v2/NAME/blobs/DIGEST}), plain HTTP for loopback registries and HTTPS
 * otherwise. It trusts nothing it receives: the device checks every blob against its digest.
 */
public final class RegistrySource implements ContainerSource {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    /** True if a reference names a registry host explicitly (e.g. {@code 127.0.0.1:5001/tiny/app:1}). */
    public static boolean namesRegistry(String reference) {
        int slash = reference.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String first = reference.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals(Reference.LOCALHOST);
    }

    private static URI base(Reference ref) {
        String host = ref.domain();
        boolean loopback = host.startsWith("127.") || host.startsWith("localhost") || host.startsWith("[::1]");
        return URI.create((loopback ? "http://" : "https://") + host + "/v2/" + ref.path() + "/");
    }

    private static Reference parse(String reference) {
        try {
            return Reference.parse(reference);
        } catch (OciException e) {
            throw new TinyException("invalid reference '" + reference + "': " + e.getMessage());
        }
    }

    @Override
    public Digest resolve(String reference) {
        Reference ref = parse(reference);
        String tagOrDigest = ref.digest() != null ? ref.digest().toString() : ref.tag() != null ? ref.tag() : "latest";
        HttpResponse<byte[]> response = get(base(ref).resolve("manifests/" + tagOrDigest), reference,
                MediaTypes.OCI_MANIFEST);
        return response.headers().firstValue("Docker-Content-Digest").map(Digest::parse)
                .orElseGet(() -> Digest.sha256(response.body()));
    }

    @Override
    public byte[] manifest(String reference, Digest digest) {
        Reference ref = parse(reference);
        return get(base(ref).resolve("manifests/" + digest), reference, MediaTypes.OCI_MANIFEST).body();
    }

    @Override
    public byte[] blob(String reference, Digest digest) {
        Reference ref = parse(reference);
        return get(base(ref).resolve("blobs/" + digest), reference, "*/*").body();
    }

    private HttpResponse<byte[]> get(URI uri, String reference, String accept) {
        HttpResponse<byte[]> response = tryGet(uri, accept);
        if (response == null) {
            throw new TinyException("cannot reach the registry for " + reference + " at " + uri);
        }
        if (response.statusCode() != 200) {
            throw new TinyException("the registry answered " + response.statusCode() + " for " + uri);
        }
        return response;
    }

    private HttpResponse<byte[]> tryGet(URI uri, String accept) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Accept", accept).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TinyException("interrupted while downloading " + uri);
        }
    }
}
