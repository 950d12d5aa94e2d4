package dev.berth.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.digest.Digest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryServerTest {
    @TempDir
    Path root;
    TestRegistry registry;

    @BeforeEach
    void start() {
        registry = new TestRegistry(root);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static String header(HttpResponse<byte[]> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    @Test
    void baseEndpointAnswersWithTheApiVersion() {
        var response = registry.get("/v2/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body(response)).isEqualTo("{}");
        assertThat(header(response, "Docker-Distribution-API-Version")).isEqualTo("registry/2.0");
        assertThat(registry.server.baseUri().getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void monolithicBlobPushAndPull() {
        byte[] content = "hello blob".getBytes(StandardCharsets.UTF_8);
        Digest digest = registry.pushBlob("lib/hello", content);
        var get = registry.get("/v2/lib/hello/blobs/" + digest);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(content);
        assertThat(header(get, "Docker-Content-Digest")).isEqualTo(digest.toString());
        var head = registry.send("HEAD", "/v2/lib/hello/blobs/" + digest, (byte[]) null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(header(head, "Content-Length")).isEqualTo(String.valueOf(content.length));
        assertThat(head.body()).isEmpty();
        assertThat(Files.exists(root.resolve("blobs/sha256/" + digest.encoded()))).isTrue();
    }

    @Test
    void sha512BlobsAreAccepted() throws Exception {
        byte[] content = "five twelve".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.of("sha512", java.security.MessageDigest.getInstance("SHA-512").digest(content));
        var post = registry.send("POST", "/v2/r/blobs/uploads/?digest=" + digest, content);
        assertThat(post.statusCode()).isEqualTo(201);
        assertThat(registry.get("/v2/r/blobs/" + digest).body()).isEqualTo(content);
    }

    @Test
    void chunkedUploadWithStatusAndOutOfOrderChunk() {
        byte[] content = "0123456789abcdefghij".getBytes(StandardCharsets.UTF_8);
        var start = registry.send("POST", "/v2/chunky/blobs/uploads/", (byte[]) null);
        assertThat(start.statusCode()).isEqualTo(202);
        assertThat(header(start, "Range")).isEqualTo("0-0");
        assertThat(header(start, "Docker-Upload-UUID")).isNotBlank();
        String location = header(start, "Location");
        assertThat(location).startsWith("/v2/chunky/blobs/uploads/");

        var first = registry.send("PATCH", location, Arrays.copyOfRange(content, 0, 10),
                "Content-Range", "0-9", "Content-Type", "application/octet-stream");
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(header(first, "Range")).isEqualTo("0-9");
        location = header(first, "Location");

        var outOfOrder = registry.send("PATCH", location, Arrays.copyOfRange(content, 12, 20), "Content-Range", "12-19");
        assertThat(outOfOrder.statusCode()).isEqualTo(416);
        assertThat(header(outOfOrder, "Content-Type")).startsWith("application/json");
        assertThat(body(outOfOrder)).contains("\"errors\"");

        var status = registry.get(location);
        assertThat(status.statusCode()).isEqualTo(204);
        assertThat(header(status, "Range")).isEqualTo("0-9");

        var second = registry.send("PATCH", location, Arrays.copyOfRange(content, 10, 20), "Content-Range", "10-19");
        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(header(second, "Range")).isEqualTo("0-19");

        Digest digest = Digest.sha256(content);
        var put = registry.send("PUT", header(second, "Location") + "?digest=" + digest, (byte[]) null);
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(header(put, "Location")).isEqualTo("/v2/chunky/blobs/" + digest);
        assertThat(header(put, "Docker-Content-Digest")).isEqualTo(digest.toString());
        assertThat(registry.get("/v2/chunky/blobs/" + digest).body()).isEqualTo(content);
        assertThat(registry.get(location).statusCode()).isEqualTo(404);
    }

    @Test
    void finalChunkMayComeWithThePut() {
        byte[] content = "first second".getBytes(StandardCharsets.UTF_8);
        String location = header(registry.send("POST", "/v2/r/blobs/uploads/", (byte[]) null), "Location");
        location = header(registry.send("PATCH", location, Arrays.copyOfRange(content, 0, 6)), "Location");
        Digest digest = Digest.sha256(content);
        var put = registry.send("PUT", location + "?digest=" + digest, Arrays.copyOfRange(content, 6, content.length),
                "Content-Type", "application/octet-stream");
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(registry.get("/v2/r/blobs/" + digest).body()).isEqualTo(content);
    }

    @Test
    void digestMismatchLeavesNoBlobAndDiscardsTheUpload() throws Exception {
        byte[] content = "actual content".getBytes(StandardCharsets.UTF_8);
        Digest claimed = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
        String location = header(registry.send("POST", "/v2/r/blobs/uploads/", (byte[]) null), "Location");
        registry.send("PATCH", location, content);
        var put = registry.send("PUT", location + "?digest=" + claimed, (byte[]) null);
        assertThat(put.statusCode()).isEqualTo(400);
        assertThat(body(put)).contains("DIGEST_INVALID");
        assertThat(registry.get("/v2/r/blobs/" + claimed).statusCode()).isEqualTo(404);
        assertThat(registry.get("/v2/r/blobs/" + Digest.sha256(content)).statusCode()).isEqualTo(404);
        assertThat(registry.get(location).statusCode()).isEqualTo(404);
        try (var files = Files.list(root.resolve("uploads"))) {
            assertThat(files.toList()).isEmpty();
        }
        var monolithic = registry.send("POST", "/v2/r/blobs/uploads/?digest=" + claimed, content);
        assertThat(monolithic.statusCode()).isEqualTo(400);
        assertThat(body(monolithic)).contains("DIGEST_INVALID");
        assertThat(Files.exists(root.resolve("blobs/sha256/" + claimed.encoded()))).isFalse();
    }

    @Test
    void cancelledUploadIsGone() {
        String location = header(registry.send("POST", "/v2/r/blobs/uploads/", (byte[]) null), "Location");
        assertThat(registry.send("DELETE", location, (byte[]) null).statusCode()).isEqualTo(204);
        assertThat(registry.get(location).statusCode()).isEqualTo(404);
        assertThat(body(registry.get(location))).contains("BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void manifestPushAndPullByTagAndDigest() {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = "layer".getBytes(StandardCharsets.UTF_8);
        Digest configDigest = registry.pushBlob("app", config);
        Digest layerDigest = registry.pushBlob("app", layer);
        byte[] manifest = Manifests.image(configDigest, config.length, layerDigest, layer.length);
        Digest digest = Digest.sha256(manifest);

        var put = registry.send("PUT", "/v2/app/manifests/v1", manifest, "Content-Type", Manifests.OCI_MANIFEST);
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(header(put, "Docker-Content-Digest")).isEqualTo(digest.toString());
        assertThat(header(put, "Location")).isEqualTo("/v2/app/manifests/" + digest);
        assertThat(header(put, "OCI-Subject")).isNull();

        for (String reference : new String[] {"v1", digest.toString()}) {
            var get = registry.get("/v2/app/manifests/" + reference);
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body()).isEqualTo(manifest);
            assertThat(header(get, "Content-Type")).isEqualTo(Manifests.OCI_MANIFEST);
            assertThat(header(get, "Docker-Content-Digest")).isEqualTo(digest.toString());
        }
        var head = registry.send("HEAD", "/v2/app/manifests/v1", (byte[]) null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(header(head, "Content-Length")).isEqualTo(String.valueOf(manifest.length));

        var byDigest = registry.send("PUT", "/v2/app/manifests/" + digest, manifest, "Content-Type", Manifests.OCI_MANIFEST);
        assertThat(byDigest.statusCode()).isEqualTo(201);
        var wrongDigest = registry.send("PUT", "/v2/app/manifests/" + Digest.sha256(config), manifest,
                "Content-Type", Manifests.OCI_MANIFEST);
        assertThat(wrongDigest.statusCode()).isEqualTo(400);
        assertThat(body(wrongDigest)).contains("DIGEST_INVALID");

        var unknown = registry.get("/v2/app/manifests/nope");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(body(unknown)).contains("MANIFEST_UNKNOWN");
    }

    @Test
    void manifestWithMissingBlobIsRefused() {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        Digest configDigest = registry.pushBlob("app", config);
        Digest missing = Digest.sha256("never pushed".getBytes(StandardCharsets.UTF_8));
        byte[] manifest = Manifests.image(configDigest, config.length, missing, 12);
        var put = registry.send("PUT", "/v2/app/manifests/v1", manifest, "Content-Type", Manifests.OCI_MANIFEST);
        assertThat(put.statusCode()).isEqualTo(400);
        assertThat(body(put)).contains("MANIFEST_BLOB_UNKNOWN").contains(missing.toString());

        // a blob pushed to another repository is not visible here
        Digest elsewhere = registry.pushBlob("other", "elsewhere".getBytes(StandardCharsets.UTF_8));
        var put2 = registry.send("PUT", "/v2/app/manifests/v1", Manifests.image(configDigest, 2, elsewhere, 9),
                "Content-Type", Manifests.OCI_MANIFEST);
        assertThat(body(put2)).contains("MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void invalidManifestsAreRefused() {
        assertThat(body(registry.send("PUT", "/v2/app/manifests/v1", "not json".getBytes(StandardCharsets.UTF_8),
                "Content-Type", Manifests.OCI_MANIFEST))).contains("MANIFEST_INVALID");
        assertThat(registry.send("PUT", "/v2/app/manifests/v1", "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8),
                "Content-Type", "text/plain").statusCode()).isEqualTo(400);
    }

    @Test
    void oversizedManifestIsRefused() {
        byte[] huge = new byte[4 * 1024 * 1024 + 1];
        Arrays.fill(huge, (byte) ' ');
        var put = registry.send("PUT", "/v2/app/manifests/big", huge, "Content-Type", Manifests.OCI_MANIFEST);
        assertThat(put.statusCode()).isEqualTo(413);
        assertThat(body(put)).contains("SIZE_INVALID");
    }

    @Test
    void tagsArePagedWithLinkHeaders() {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        Digest configDigest = registry.pushBlob("paged", config);
        byte[] manifest = Manifests.image(configDigest, 2, configDigest, 2);
        for (String tag : new String[] {"c", "a", "e", "b", "d"}) {
            assertThat(registry.send("PUT", "/v2/paged/manifests/" + tag, manifest, "Content-Type", Manifests.OCI_MANIFEST)
                    .statusCode()).isEqualTo(201);
        }
        var all = registry.get("/v2/paged/tags/list");
        assertThat(body(all)).isEqualTo("{\"name\":\"paged\",\"tags\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}");
        assertThat(header(all, "Link")).isNull();

        var page1 = registry.get("/v2/paged/tags/list?n=2");
        assertThat(body(page1)).contains("[\"a\",\"b\"]");
        assertThat(header(page1, "Link")).isEqualTo("</v2/paged/tags/list?n=2&last=b>; rel=\"next\"");
        var page2 = registry.get("/v2/paged/tags/list?n=2&last=b");
        assertThat(body(page2)).contains("[\"c\",\"d\"]");
        var page3 = registry.get("/v2/paged/tags/list?n=2&last=d");
        assertThat(body(page3)).contains("[\"e\"]");
        assertThat(header(page3, "Link")).isNull();

        assertThat(registry.get("/v2/paged/tags/list?n=x").statusCode()).isEqualTo(400);
        var unknown = registry.get("/v2/nothing/tags/list");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(body(unknown)).contains("NAME_UNKNOWN");
    }

    @Test
    void catalogListsRepositoriesSorted() {
        registry.pushBlob("zeta", new byte[] {1});
        registry.pushBlob("alpha/nested", new byte[] {2});
        registry.pushBlob("alpha", new byte[] {3});
        assertThat(body(registry.get("/v2/_catalog"))).isEqualTo("{\"repositories\":[\"alpha\",\"alpha/nested\",\"zeta\"]}");
        var page = registry.get("/v2/_catalog?n=1&last=alpha");
        assertThat(body(page)).isEqualTo("{\"repositories\":[\"alpha/nested\"]}");
        assertThat(header(page, "Link")).isEqualTo("</v2/_catalog?n=1&last=alpha%2Fnested>; rel=\"next\"");
    }

    @Test
    void referrersListManifestsWithThatSubject() {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        Digest configDigest = registry.pushBlob("app", config);
        byte[] image = Manifests.image(configDigest, 2, configDigest, 2);
        Digest imageDigest = Digest.sha256(image);
        registry.send("PUT", "/v2/app/manifests/v1", image, "Content-Type", Manifests.OCI_MANIFEST);

        byte[] signature = Manifests.image(configDigest, 2, configDigest, 2, "application/vnd.example.sig", imageDigest);
        var put = registry.send("PUT", "/v2/app/manifests/" + Digest.sha256(signature), signature,
                "Content-Type", Manifests.OCI_MANIFEST);
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(header(put, "OCI-Subject")).isEqualTo(imageDigest.toString());

        var referrers = registry.get("/v2/app/referrers/" + imageDigest);
        assertThat(referrers.statusCode()).isEqualTo(200);
        assertThat(header(referrers, "Content-Type")).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(body(referrers)).contains(Digest.sha256(signature).toString())
                .contains("\"artifactType\":\"application/vnd.example.sig\"")
                .contains("\"org.example.kind\":\"signature\"")
                .contains("\"mediaType\":\"application/vnd.oci.image.index.v1+json\"");
        assertThat(header(referrers, "OCI-Filters-Applied")).isNull();

        var filtered = registry.get("/v2/app/referrers/" + imageDigest + "?artifactType=application/other");
        assertThat(header(filtered, "OCI-Filters-Applied")).isEqualTo("artifactType");
        assertThat(body(filtered)).contains("\"manifests\":[]");

        var none = registry.get("/v2/unknownrepo/referrers/" + imageDigest);
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(body(none)).contains("\"manifests\":[]");
        assertThat(registry.get("/v2/app/referrers/sha256:bad").statusCode()).isEqualTo(400);

        registry.send("DELETE", "/v2/app/manifests/" + Digest.sha256(signature), (byte[]) null);
        assertThat(body(registry.get("/v2/app/referrers/" + imageDigest))).contains("\"manifests\":[]");
    }

    @Test
    void crossRepositoryMount() {
        Digest digest = registry.pushBlob("source", "shared".getBytes(StandardCharsets.UTF_8));
        assertThat(registry.get("/v2/target/blobs/" + digest).statusCode()).isEqualTo(404);
        var mount = registry.send("POST", "/v2/target/blobs/uploads/?mount=" + digest + "&from=source", (byte[]) null);
        assertThat(mount.statusCode()).isEqualTo(201);
        assertThat(header(mount, "Location")).isEqualTo("/v2/target/blobs/" + digest);
        assertThat(registry.get("/v2/target/blobs/" + digest).body()).isEqualTo("shared".getBytes(StandardCharsets.UTF_8));

        Digest unknown = Digest.sha256("unknown".getBytes(StandardCharsets.UTF_8));
        var fallback = registry.send("POST", "/v2/target/blobs/uploads/?mount=" + unknown + "&from=source", (byte[]) null);
        assertThat(fallback.statusCode()).isEqualTo(202);
        assertThat(header(fallback, "Location")).startsWith("/v2/target/blobs/uploads/");
    }

    @Test
    void deletes() {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        Digest configDigest = registry.pushBlob("app", config);
        byte[] manifest = Manifests.image(configDigest, 2, configDigest, 2);
        Digest digest = Digest.sha256(manifest);
        registry.send("PUT", "/v2/app/manifests/v1", manifest, "Content-Type", Manifests.OCI_MANIFEST);
        registry.send("PUT", "/v2/app/manifests/v2", manifest, "Content-Type", Manifests.OCI_MANIFEST);

        assertThat(registry.send("DELETE", "/v2/app/manifests/v1", (byte[]) null).statusCode()).isEqualTo(202);
        assertThat(registry.get("/v2/app/manifests/v1").statusCode()).isEqualTo(404);
        assertThat(registry.get("/v2/app/manifests/v2").statusCode()).isEqualTo(200);

        assertThat(registry.send("DELETE", "/v2/app/manifests/" + digest, (byte[]) null).statusCode()).isEqualTo(202);
        assertThat(registry.get("/v2/app/manifests/" + digest).statusCode()).isEqualTo(404);
        assertThat(registry.get("/v2/app/manifests/v2").statusCode()).isEqualTo(404);
        assertThat(registry.send("DELETE", "/v2/app/manifests/" + digest, (byte[]) null).statusCode()).isEqualTo(404);

        assertThat(registry.send("DELETE", "/v2/app/blobs/" + configDigest, (byte[]) null).statusCode()).isEqualTo(202);
        var gone = registry.get("/v2/app/blobs/" + configDigest);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(body(gone)).contains("BLOB_UNKNOWN");
    }

    @Test
    void badNamesDigestsAndMethods() {
        var badName = registry.get("/v2/UPPER/tags/list");
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(body(badName)).contains("NAME_INVALID");
        assertThat(header(badName, "Content-Type")).startsWith("application/json");
        assertThat(header(badName, "Docker-Distribution-API-Version")).isEqualTo("registry/2.0");
        assertThat(registry.get("/v2/a--b_/blobs/sha256:" + "0".repeat(64)).statusCode()).isEqualTo(400);
        assertThat(body(registry.get("/v2/ok/blobs/sha256:xyz"))).contains("DIGEST_INVALID");
        assertThat(body(registry.get("/v2/ok/blobs/md5:abc"))).contains("DIGEST_INVALID");
        var method = registry.send("PATCH", "/v2/ok/manifests/latest", new byte[0]);
        assertThat(method.statusCode()).isEqualTo(405);
        assertThat(body(method)).contains("UNSUPPORTED");
        assertThat(registry.get("/elsewhere").statusCode()).isEqualTo(404);
        // a name may contain "blobs": the route splits at the last marker
        Digest digest = registry.pushBlob("a/blobs/b", new byte[] {7});
        assertThat(registry.get("/v2/a/blobs/b/blobs/" + digest).statusCode()).isEqualTo(200);
    }

    @Test
    void rangeRequests() {
        byte[] content = "0123456789".getBytes(StandardCharsets.UTF_8);
        Digest digest = registry.pushBlob("r", content);
        String path = "/v2/r/blobs/" + digest;
        var part = registry.get(path, "Range", "bytes=2-5");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(body(part)).isEqualTo("2345");
        assertThat(header(part, "Content-Range")).isEqualTo("bytes 2-5/10");
        assertThat(body(registry.get(path, "Range", "bytes=7-"))).isEqualTo("789");
        assertThat(body(registry.get(path, "Range", "bytes=-3"))).isEqualTo("789");
        assertThat(body(registry.get(path, "Range", "bytes=8-100"))).isEqualTo("89");
        var unsatisfiable = registry.get(path, "Range", "bytes=10-20");
        assertThat(unsatisfiable.statusCode()).isEqualTo(416);
        assertThat(header(unsatisfiable, "Content-Range")).isEqualTo("bytes */10");
        assertThat(body(unsatisfiable)).contains("RANGE_INVALID");
        assertThat(registry.get(path, "Range", "bytes=1-2,4-5").statusCode()).isEqualTo(200);
    }

    @Test
    void readOnlyModeRefusesWrites() {
        Digest digest = registry.pushBlob("r", new byte[] {1, 2});
        registry.close();
        registry = new TestRegistry(root, true);
        assertThat(registry.get("/v2/r/blobs/" + digest).statusCode()).isEqualTo(200);
        var post = registry.send("POST", "/v2/r/blobs/uploads/", (byte[]) null);
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(body(post)).contains("UNSUPPORTED");
        assertThat(registry.send("DELETE", "/v2/r/blobs/" + digest, (byte[]) null).statusCode()).isEqualTo(405);
    }
}
