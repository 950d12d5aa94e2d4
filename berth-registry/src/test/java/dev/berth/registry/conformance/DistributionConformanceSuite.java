package dev.berth.registry.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.oci.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Conformance suite for the OCI Distribution Specification v1.1, written from the specification text: every endpoint of
 * the endpoints table (end-1 .. end-13, plus the upload cancel end-14 and the Docker-era {@code /v2/_catalog}), their
 * success statuses and the error codes of the error-codes table.
 *
 * <p>A concrete subclass points the suite at one running registry ({@link #registry()}) and declares, through the
 * {@code supports...()} hooks, which optional parts of the specification that registry implements. A test for a part
 * the registry lacks is <em>skipped</em> through a JUnit assumption whose message names the missing feature; it is never
 * silently passed. Where the specification leaves a choice (for instance 400 or 405 when tag deletion is disabled) the
 * assertion accepts exactly the choices the specification allows.
 *
 * <p>Every test uses its own repository ({@code conformance/<test>-<random>}) and fresh random content, so tests are
 * independent of order and of each other; only the catalog tests look at the registry as a whole.
 */
public abstract class DistributionConformanceSuite {

    // ---------------------------------------------------------------------------------------------------------------
    // What a concrete registry provides
    // ---------------------------------------------------------------------------------------------------------------

    /** Base URI of the registry under test, e.g. {@code http://127.0.0.1:5000/}. */
    protected abstract URI registry();

    /** end-12a/end-12b: the referrers API, and the {@code OCI-Subject} response header on manifest push (spec 1.1). */
    protected boolean supportsReferrers() {
        return true;
    }

    /** end-12b: the registry applies the {@code artifactType} filter itself (a SHOULD of spec 1.1). */
    protected boolean supportsReferrersFiltering() {
        return supportsReferrers();
    }

    /** end-9 on a tag: DELETE /v2/&lt;name&gt;/manifests/&lt;tag&gt; (the spec lets registries disable it). */
    protected boolean supportsTagDeletion() {
        return true;
    }

    /** end-9 on a digest (the spec lets registries disable it). */
    protected boolean supportsManifestDeletion() {
        return true;
    }

    /** end-10 (the spec lets registries disable it). */
    protected boolean supportsBlobDeletion() {
        return true;
    }

    /** sha512 digests (content digests per the OCI image spec; sha256 is the only one a registry must accept). */
    protected boolean supportsSha512() {
        return true;
    }

    /** Manifests addressed by a sha512 digest (PUT/GET /v2/&lt;name&gt;/manifests/sha512:...). */
    protected boolean supportsSha512Manifests() {
        return supportsSha512();
    }

    /** end-11: cross-repository blob mount answers 201. */
    protected boolean supportsCrossMount() {
        return true;
    }

    /** end-11: a mount that cannot be done (unknown blob) falls back to an upload session, 202 + Location. */
    protected boolean supportsCrossMountFallback() {
        return true;
    }

    /** end-4b: a single POST with {@code ?digest=} and the body creates the blob (201); a MAY in the spec. */
    protected boolean supportsSinglePostUpload() {
        return true;
    }

    /** end-8b: {@code n} / {@code last} pagination of the tag list. */
    protected boolean supportsTagPagination() {
        return true;
    }

    /** {@code GET /v2/_catalog} with {@code n}/{@code last} pagination (Docker Registry HTTP API V2, not in OCI 1.1). */
    protected boolean supportsCatalog() {
        return true;
    }

    /** GET blob with a {@code Range} header answers 206 (the spec says registries SHOULD support RFC 9110 ranges). */
    protected boolean supportsBlobRangeRequests() {
        return true;
    }

    /** end-14: DELETE of an upload session (spec SHOULD answer 204). */
    protected boolean supportsUploadCancel() {
        return true;
    }

    /**
     * The registry rejects a manifest whose config/layers are not in the repository with MANIFEST_BLOB_UNKNOWN (the
     * spec says MAY reject, and if it does the code MUST be MANIFEST_BLOB_UNKNOWN).
     */
    protected boolean rejectsManifestsWithUnknownBlobs() {
        return true;
    }

    /**
     * end-5: a chunk whose Content-Range does not start right after the data already uploaded is refused with 416 (a
     * MUST of the spec).
     */
    protected boolean enforcesChunkOrder() {
        return true;
    }

    /** end-8a: tags/list returns the tags in lexical order (a MUST of the spec). */
    protected boolean listsTagsInLexicalOrder() {
        return true;
    }

    /**
     * The registry refuses the given invalid repository name (400 NAME_INVALID, or 404 when its routing cannot address
     * it) on every endpoint, instead of accepting it. Override to exclude names a registry is known to let through.
     */
    protected boolean rejectsInvalidName(String name) {
        return true;
    }

    /**
     * A repository name of 256 characters or more is either served normally or refused with 400 NAME_INVALID, never a
     * 5xx. (Spec 1.1 no longer caps the length; the Docker-era spec said "less than 256 characters".)
     */
    protected boolean handlesOverlongNames() {
        return true;
    }

    /**
     * An invalid repository name gets a JSON error body ({@code NAME_INVALID} / {@code NAME_UNKNOWN}) on every
     * endpoint, rather than a non-JSON "404 page not found" from the HTTP router.
     */
    protected boolean jsonErrorsForInvalidNames() {
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Constants from the specifications
    // ---------------------------------------------------------------------------------------------------------------

    protected static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    protected static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    protected static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    protected static final String OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    protected static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    protected static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);

    /** The error-codes table of the spec (code-1 .. code-14). */
    protected static final Set<String> SPEC_ERROR_CODES = Set.of(
            "BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN", "DIGEST_INVALID", "MANIFEST_BLOB_UNKNOWN",
            "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "NAME_INVALID", "NAME_UNKNOWN", "SIZE_INVALID", "UNAUTHORIZED",
            "DENIED", "UNSUPPORTED", "TOOMANYREQUESTS");

    private static final Pattern UPLOAD_RANGE = Pattern.compile("^0-([0-9]+)$");
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"?next\"?");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private String testSlug = "test";

    @BeforeEach
    void rememberTestName(TestInfo info) {
        String method = info.getTestMethod().map(m -> m.getName()).orElse("test");
        testSlug = method.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // end-1: API version check
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("end-1 GET /v2/ answers 200")
    void end1_apiVersionCheck() {
        HttpResponse<byte[]> r = get("/v2/");
        assertStatus(r, 200);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // end-2: blobs
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("end-2 GET blob answers 200 with the exact bytes and a matching Docker-Content-Digest")
    void end2_getBlob() {
        String repo = newRepo();
        byte[] blob = randomBytes(4096);
        String digest = pushBlob(repo, blob);

        HttpResponse<byte[]> r = get(blobPath(repo, digest));
        assertStatus(r, 200);
        assertThat(r.body()).as("blob body").isEqualTo(blob);
        r.headers().firstValue("Docker-Content-Digest").ifPresent(d -> assertThat(d)
                .as("Docker-Content-Digest MUST match the body").isEqualTo(digest));
    }

    @Test
    @DisplayName("end-2 HEAD blob answers 200 with Content-Length and no body")
    void end2_headBlob() {
        String repo = newRepo();
        byte[] blob = randomBytes(1234);
        String digest = pushBlob(repo, blob);

        HttpResponse<byte[]> r = head(blobPath(repo, digest));
        assertStatus(r, 200);
        assertThat(r.body()).as("HEAD body").isEmpty();
        assertThat(r.headers().firstValueAsLong("Content-Length")).as("Content-Length").hasValue(blob.length);
        r.headers().firstValue("Docker-Content-Digest").ifPresent(d -> assertThat(d).isEqualTo(digest));
    }

    @Test
    @DisplayName("end-2 GET/HEAD of an unknown blob answers 404 BLOB_UNKNOWN")
    void end2_unknownBlob() {
        String repo = newRepo();
        pushBlob(repo, randomBytes(16)); // the repository exists; only the blob is unknown
        String missing = sha256(randomBytes(32));

        assertError(get(blobPath(repo, missing)), 404, "BLOB_UNKNOWN");
        assertStatus(head(blobPath(repo, missing)), 404);
    }

    @Test
    @DisplayName("end-2 GET blob with Range answers 206 with the requested bytes")
    void end2_rangeRequest() {
        assumeTrue(supportsBlobRangeRequests(), "registry does not support Range requests on blobs (spec: SHOULD)");
        String repo = newRepo();
        byte[] blob = randomBytes(1000);
        String digest = pushBlob(repo, blob);

        HttpResponse<byte[]> r = send(request(blobPath(repo, digest)).header("Range", "bytes=100-199").GET());
        assertStatus(r, 206);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(blob, 100, 200));
        assertThat(r.headers().firstValue("Content-Range")).as("Content-Range").hasValue("bytes 100-199/1000");

        HttpResponse<byte[]> tail = send(request(blobPath(repo, digest)).header("Range", "bytes=900-").GET());
        assertStatus(tail, 206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(blob, 900, 1000));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // end-3: manifests
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("end-3 GET manifest by tag: 200, byte-exact body, Content-Type and Docker-Content-Digest")
    void end3_getManifestByTag() {
        String repo = newRepo();
        Image image = pushImage(repo, "v1");

        HttpResponse<byte[]> r = send(request(manifestPath(repo, "v1")).header("Accept", OCI_MANIFEST).GET());
        assertStatus(r, 200);
        // The manifest is pretty-printed on purpose: the registry MUST store it without modifying its bytes.
        assertThat(r.body()).as("manifest bytes as pushed").isEqualTo(image.manifest());
        assertThat(mediaType(r)).as("Content-Type").isEqualTo(OCI_MANIFEST);
        assertThat(r.headers().firstValue("Docker-Content-Digest")).as("Docker-Content-Digest")
                .hasValue(image.digest());
    }

    @Test
    @DisplayName("end-3 GET manifest by digest: 200, byte-exact body, Content-Type and Docker-Content-Digest")
    void end3_getManifestByDigest() {
        String repo = newRepo();
        Image image = pushImage(repo, "v1");

        HttpResponse<byte[]> r = send(request(manifestPath(repo, image.digest())).header("Accept", OCI_MANIFEST).GET());
        assertStatus(r, 200);
        assertThat(r.body()).isEqualTo(image.manifest());
        assertThat(sha256(r.body())).isEqualTo(image.digest());
        assertThat(mediaType(r)).isEqualTo(OCI_MANIFEST);
        assertThat(r.headers().firstValue("Docker-Content-Digest")).hasValue(image.digest());
    }

    @Test
    @DisplayName("end-3 HEAD manifest by tag and by digest: 200, Content-Length, Docker-Content-Digest, no body")
    void end3_headManifest() {
        String repo = newRepo();
        Image image = pushImage(repo, "v1");

        for (String reference : List.of("v1", image.digest())) {
            HttpResponse<byte[]> r = send(request(manifestPath(repo, reference)).header("Accept", OCI_MANIFEST)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));
            assertStatus(r, 200);
            assertThat(r.body()).isEmpty();
            assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(image.manifest().length);
            assertThat(r.headers().firstValue("Docker-Content-Digest")).hasValue(image.digest());
            assertThat(mediaType(r)).isEqualTo(OCI_MANIFEST);
        }
    }

    @Test
    @DisplayName("end-3 unknown tag / digest in an existing repository: 404 MANIFEST_UNKNOWN")
    void end3_unknownManifest() {
        String repo = newRepo();
        pushImage(repo, "v1");

        assertError(get(manifestPath(repo, "no-such-tag")), 404, "MANIFEST_UNKNOWN");
        assertError(get(manifestPath(repo, sha256(randomBytes(8)))), 404, "MANIFEST_UNKNOWN");
        assertStatus(head(manifestPath(repo, "no-such-tag")), 404);
        assertStatus(head(manifestPath(repo, sha256(randomBytes(8)))), 404);
    }

    @Test
    @DisplayName("end-3 manifest in a repository that does not exist: 404 (MANIFEST_UNKNOWN or NAME_UNKNOWN)")
    void end3_unknownRepository() {
        String repo = newRepo();
        assertError(get(manifestPath(repo, "latest")), 404, "MANIFEST_UNKNOWN", "NAME_UNKNOWN");
        assertStatus(head(manifestPath(repo, "latest")), 404);
    }

    @Test
    @DisplayName("end-3/end-7 an image index is stored and served with its own Content-Type")
    void end3_imageIndex() {
        String repo = newRepo();
        Image image = pushImage(repo, "amd64");
        ObjectNode index = Json.mapper().createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", OCI_INDEX);
        ObjectNode d = index.putArray("manifests").addObject();
        d.put("mediaType", OCI_MANIFEST);
        d.put("digest", image.digest());
        d.put("size", image.manifest().length);
        d.putObject("platform").put("architecture", "amd64").put("os", "linux");
        byte[] bytes = Json.pretty(index).getBytes(StandardCharsets.UTF_8);

        assertStatus(putManifest(repo, "multi", bytes, OCI_INDEX), 201);
        HttpResponse<byte[]> r = send(request(manifestPath(repo, "multi")).header("Accept", OCI_INDEX).GET());
        assertStatus(r, 200);
        assertThat(r.body()).isEqualTo(bytes);
        assertThat(mediaType(r)).isEqualTo(OCI_INDEX);
        assertThat(r.headers().firstValue("Docker-Content-Digest")).hasValue(sha256(bytes));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // end-4a / end-4b / end-6: monolithic uploads
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("end-4a POST /blobs/uploads/ answers 202 with a Location for a new session")
    void end4a_startUploadSession() {
        String repo = newRepo();
        HttpResponse<byte[]> r = post("/v2/" + repo + "/blobs/uploads/", null);
        assertStatus(r, 202);
        URI location = location(r);

        HttpResponse<byte[]> second = post("/v2/" + repo + "/blobs/uploads/", null);
        assertStatus(second, 202);
        assertThat(location(second)).as("each session has its own location").isNotEqualTo(location);

        assertStatus(send(request(location).GET()), 204); // end-13: the session is active
    }

    @Test
    @DisplayName("end-4a + end-6 POST then PUT ?digest= answers 201 with a pullable blob Location")
    void end6_postThenPut() {
        String repo = newRepo();
        byte[] blob = randomBytes(10_000);
        String digest = sha256(blob);

        URI session = location(assertStatus(post("/v2/" + repo + "/blobs/uploads/", null), 202));
        HttpResponse<byte[]> put = send(request(withQuery(session, "digest", digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)));
        assertStatus(put, 201);
        URI blobLocation = location(put);
        put.headers().firstValue("Docker-Content-Digest").ifPresent(d -> assertThat(d).isEqualTo(digest));

        HttpResponse<byte[]> pulled = send(request(blobLocation).GET());
        assertStatus(pulled, 200);
        assertThat(pulled.body()).isEqualTo(blob);
        assertThat(get(blobPath(repo, digest)).body()).isEqualTo(blob);
    }

    @Test
    @DisplayName("end-4b single POST ?digest= answers 201, or 202 + Location and the client finishes with PUT")
    void end4b_singlePostOrFallback() {
        String repo = newRepo();
        byte[] blob = randomBytes(2048);
        String digest = sha256(blob);

        HttpResponse<byte[]> r = post("/v2/" + repo + "/blobs/uploads/?digest=" + enc(digest), blob);
        assertThat(r.statusCode()).as("end-4b status (spec allows 201 or 202)\n%s", describe(r)).isIn(201, 202);
        if (r.statusCode() == 202) {
            HttpResponse<byte[]> put = send(request(withQuery(location(r), "digest", digest))
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)));
            assertStatus(put, 201);
        } else {
            location(r);
        }
        assertThat(assertStatus(get(blobPath(repo, digest)), 200).body()).isEqualTo(blob);
    }

    @Test
    @DisplayName("end-4b single POST ?digest= with the body creates the blob: 201 + Location")
    void end4b_singlePostCreatesBlob() {
        assumeTrue(supportsSinglePostUpload(), "registry does not support single-POST monolithic upload (end-4b, MAY)");
        String repo = newRepo();
        byte[] blob = randomBytes(2048);
        String digest = sha256(blob);

        HttpResponse<byte[]> r = post("/v2/" + repo + "/blobs/uploads/?digest=" + enc(digest), blob);
        assertStatus(r, 201);
        assertThat(assertStatus(send(request(location(r)).GET()), 200).body()).isEqualTo(blob);
    }

    @Test
    @DisplayName("end-6 PUT ?digest= with a digest that does not match the content: 400 DIGEST_INVALID")
    void end6_digestMismatch() {
        String repo = newRepo();
        byte[] blob = randomBytes(512);
        String wrong = sha256(randomBytes(512));

        URI session = location(assertStatus(post("/v2/" + repo + "/blobs/uploads/", null), 202));
        HttpResponse<byte[]> put = send(request(withQuery(session, "digest", wrong))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)));
        assertError(put, 400, "DIGEST_INVALID");
        assertStatus(head(blobPath(repo, wrong)), 404);
        assertStatus(head(blobPath(repo, sha256(blob))), 404);
    }

    @Test
    @DisplayName("end-6 PUT ?digest= with a malformed digest: 400 DIGEST_INVALID")
    void end6_malformedDigest() {
        String repo = newRepo();
        URI session = location(assertStatus(post("/v2/" + repo + "/blobs/uploads/", null), 202));
        HttpResponse<byte[]> put = send(request(withQuery(session, "digest", "sha256:not-hex"))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(randomBytes(10))));
        assertError(put, 400, "DIGEST_INVALID");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // end-5 / end-13 / end-14: chunked uploads
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("end-5 PATCH chunks: 202 with Location and Range 0-<end>; closing PUT answers 201")
    void end5_chunkedUpload() {
        String repo = newRepo();
        byte[] blob = randomBytes(3 * 1024 + 17);
        String digest = sha256(blob);

        URI location = location(assertStatus(post("/v2/" + repo + "/blobs/uploads/", null), 202));
        int[] cuts = {0, 1024, 2048, blob.length};
        for (int i = 0; i + 1 < cuts.length; i++) {
            HttpResponse<byte[]> r = patch(location, Arrays.copyOfRange(blob, cuts[i], cuts[i + 1]), cuts[i]);
            assertStatus(r, 202);
            location = location(r);
            assertThat(uploadedEnd(r)).as("Range end after chunk %d", i).isEqualTo(cuts[i + 1] - 1);
        }
        HttpResponse<byte[]> close = send(request(withQuery(location, "digest", digest))
                .PUT(HttpRequest.BodyPublishers.noBody()));
        assertStatus(close, 201);
        assertThat(assertStatus(send(request(location(close)).GET()), 200).body()).isEqualTo(blob);
    }

    @Test
    @DisplayName("end-5 + end-6 the final chunk may travel in the closing PUT")
    void end5_finalChunkInClosingPut() {
        String repo = newRepo();
        byte[] blob = randomBytes(5000);
        String digest = sha256(blob);

        URI location = location(assertStatus(post("/v2/" + repo + "/blobs/uploads/", null), 202));
        HttpResponse<byte[]> first = patch(location, Arrays.copyOfRange(blob, 0, 3000), 0);
        assertStatus(first, 202);
        HttpResponse<byte[]> close = send(request(withQuery(location(first), "digest", digest))
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", "3000-4999")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(blob, 3000, 5000))));
        assertStatus(close, 201);
        assertThat(assertStatus(get(blobPath(repo, digest)), 200).body()).isEqualTo(blob);
    }

    @Test
    @DisplayName("end-5 a chunk out of order answers 416; end-13 then reports the valid offset")
    void end5_outOfOrderChunk() {
        assumeTrue(enforcesChunkOrder(), "registry does not refuse out-of-order chunks with 416 (end-5, MUST)");
        String repo = newRepo();
        byte[] blob = randomBytes(3000);

        URI location = location(assertStatus(post("/v2/" + repo + "/blobs/uploads/", null), 202));
        HttpResponse<byte[]> first = patch(location, Arrays.copyOfRange(blob, 0, 1000), 0);
        assertStatus(first, 202);
        location = location(first);

        // Skips bytes 1000..1999: the first byte is not the last chunk's end plus one.
        HttpResponse<byte[]> gap = patch(location, Arrays.copyOfRange(blob, 2000, 3000), 2000);
        assertStatus(gap, 416);

        HttpResponse<byte[]> status = send(request(location).GET());
        assertStatus(status, 204);
        assertThat(uploadedEnd(status)).as("Range after the refused chunk").isEqualTo(999);

        // The session is still usable from the reported offset.
        URI resume = location(status);
        HttpResponse<byte[]> rest = patch(resume, Arrays.copyOfRange(blob, 1000, 3000), 1000);
        assertStatus(rest, 202);
        HttpResponse<byte[]> close = send(request(withQuery(location(rest), "digest", sha256(blob)))
                .PUT(HttpRequest.BodyPublishers.noBody()));
        assertStatus(close, 201);
        assertThat(get(blobPath(repo, sha256(blob))).body()).isEqualTo(blob);
    }

    @Test
    @DisplayName("end-13 GET upload status: 204 with Location and Range 0-<end>")
    void end13_uploadStatus() {
        String repo = newRepo();
        URI location = location(assertStatus(post("/v2/" + repo + "/blobs/uploads/", null), 202));
        HttpResponse<byte[]> chunk = patch(location, randomBytes(777), 0);
        assertStatus(chunk, 202);

        HttpResponse<byte[]> status = send(request(location(chunk)).GET());
        assertStatus(status, 204);
        location(status);
        assertThat(uploadedEnd(status)).isEqualTo(776);
        assertThat(status.body()).isEmpty();
    }

    @Test
    @DisplayName("end-5/end-6/end-13 on an upload session that is finished: 404 BLOB_UPLOAD_UNKNOWN")
    void end13_finishedUploadSession() {
        String repo = newRepo();
        byte[] blob = randomBytes(64);
        URI location = location(assertStatus(post("/v2/" + repo + "/blobs/uploads/", null), 202));
        HttpResponse<byte[]> chunk = patch(location, blob, 0);
        assertStatus(chunk, 202);
        URI finished = location(chunk);
        assertStatus(send(request(withQuery(finished, "digest", sha256(blob))).PUT(HttpRequest.BodyPublishers.noBody())),
                201);

        assertError(send(request(finished).GET()), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(patch(finished, randomBytes(10), blob.length), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(send(request(withQuery(finished, "digest", sha256(blob)))
                .PUT(HttpRequest.BodyPublishers.noBody())), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    @DisplayName("end-13 on a session id the registry never issued: 404 BLOB_UPLOAD_UNKNOWN (or _INVALID)")
    void end13_unknownUploadSession() {
        String repo = newRepo();
        pushBlob(repo, randomBytes(8)); // the repository exists
        String path = "/v2/" + repo + "/blobs/uploads/" + java.util.UUID.randomUUID();
        // Clients SHOULD NOT assemble upload locations by hand, so a registry may call this one invalid rather
        // than unknown; both codes of the spec's table fit, the status is 404 (end-13 failure status).
        assertError(get(path), 404, "BLOB_UPLOAD_UNKNOWN", "BLOB_UPLOAD_INVALID");
    }

    @Test
    @DisplayName("end-14 DELETE of an upload session answers 204, afterwards the session is unknown (404)")
    void end14_cancelUpload() {
        assumeTrue(supportsUploadCancel(), "registry does not support cancelling an upload session (end-14)");
        String repo = newRepo();
        URI location = location(assertStatus(post("/v2/" + repo + "/blobs/uploads/", null), 202));
        HttpResponse<byte[]> chunk = patch(location, randomBytes(100), 0);
        assertStatus(chunk, 202);

        assertStatus(send(request(location(chunk)).DELETE()), 204);
        assertError(send(request(location(chunk)).GET()), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // end-7: push manifests
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("end-7 PUT manifest by tag: 201 with Location and Docker-Content-Digest")
    void end7_putManifestByTag() {
        String repo = newRepo();
        Image image = buildImage(repo);
        HttpResponse<byte[]> r = putManifest(repo, "v1", image.manifest(), OCI_MANIFEST);
        assertStatus(r, 201);
        assertThat(r.headers().firstValue("Docker-Content-Digest")).as("Docker-Content-Digest")
                .hasValue(image.digest());
        HttpResponse<byte[]> pulled = send(request(location(r)).header("Accept", OCI_MANIFEST).GET());
        assertStatus(pulled, 200);
        assertThat(pulled.body()).isEqualTo(image.manifest());
    }

    @Test
    @DisplayName("end-7 PUT manifest by digest: 201 with Location and Docker-Content-Digest")
    void end7_putManifestByDigest() {
        String repo = newRepo();
        Image image = buildImage(repo);
        HttpResponse<byte[]> r = putManifest(repo, image.digest(), image.manifest(), OCI_MANIFEST);
        assertStatus(r, 201);
        assertThat(r.headers().firstValue("Docker-Content-Digest")).hasValue(image.digest());
        assertStatus(send(request(location(r)).header("Accept", OCI_MANIFEST).GET()), 200);
        assertStatus(head(manifestPath(repo, image.digest())), 200);
    }

    @Test
    @DisplayName("end-7 manifest referencing a blob that is not in the repository: 400 MANIFEST_BLOB_UNKNOWN")
    void end7_manifestBlobUnknown() {
        assumeTrue(rejectsManifestsWithUnknownBlobs(),
                "registry accepts manifests with unknown blobs (spec: MAY reject with MANIFEST_BLOB_UNKNOWN)");
        String repo = newRepo();
        byte[] config = imageConfig(randomBytes(10));
        String configDigest = pushBlob(repo, config);
        byte[] missingLayer = randomBytes(100);
        byte[] manifest = imageManifest(descriptor(OCI_CONFIG, configDigest, config.length),
                List.of(descriptor(OCI_LAYER_TAR_GZIP, sha256(missingLayer), missingLayer.length)), null, null, null);

        assertError(putManifest(repo, "v1", manifest, OCI_MANIFEST), 400, "MANIFEST_BLOB_UNKNOWN");
        assertStatus(head(manifestPath(repo, "v1")), 404);
    }

    @Test
    @DisplayName("end-7 a body that is not JSON, or not a manifest: 400 MANIFEST_INVALID")
    void end7_invalidManifest() {
        String repo = newRepo();
        pushBlob(repo, randomBytes(8));
        byte[] notJson = "{\"schemaVersion\": 2, \"mediaType\": ".getBytes(StandardCharsets.UTF_8);
        assertError(putManifest(repo, "broken", notJson, OCI_MANIFEST), 400, "MANIFEST_INVALID");

        byte[] wrongSchema = "{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\", \"config\": 42}"
                .getBytes(StandardCharsets.UTF_8);
        assertError(putManifest(repo, "broken", wrongSchema, OCI_MANIFEST), 400, "MANIFEST_INVALID");
        assertStatus(head(manifestPath(repo, "broken")), 404);
    }

    @Test
    @DisplayName("end-7 PUT by digest with a digest that does not match the body: 400 DIGEST_INVALID")
    void end7_digestMismatch() {
        String repo = newRepo();
        Image image = buildImage(repo);
        HttpResponse<byte[]> r = putManifest(repo, sha256(randomBytes(9)), image.manifest(), OCI_MANIFEST);
        assertThat(r.statusCode()).as("status\n%s", describe(r)).isEqualTo(400);
        assertErrorBody(r, "DIGEST_INVALID", "MANIFEST_INVALID");
    }

    @Test
    @DisplayName("end-7 a manifest whose subject does not exist (yet) MUST be accepted")
    void end7_subjectMayBeMissing() {
        String repo = newRepo();
        pushBlob(repo, EMPTY_JSON);
        byte[] payload = randomBytes(64);
        String payloadDigest = pushBlob(repo, payload);
        byte[] ghost = randomBytes(300);
        byte[] manifest = imageManifest(descriptor(OCI_EMPTY, sha256(EMPTY_JSON), EMPTY_JSON.length),
                List.of(descriptor("application/octet-stream", payloadDigest, payload.length)),
                "application/vnd.berth.conformance.note.v1", descriptor(OCI_MANIFEST, sha256(ghost), ghost.length),
                null);

        HttpResponse<byte[]> r = putManifest(repo, sha256(manifest), manifest, OCI_MANIFEST);
        assertStatus(r, 201);
        assertThat(assertStatus(get(manifestPath(repo, sha256(manifest))), 200).body()).isEqualTo(manifest);
    }

    @Test
    @DisplayName("end-7 manifest with a subject: the registry answers with OCI-Subject: <subject digest>")
    void end7_ociSubjectHeader() {
        assumeTrue(supportsReferrers(), "registry does not support the referrers API / OCI-Subject header (spec 1.1)");
        String repo = newRepo();
        Image subject = pushImage(repo, "v1");
        byte[] referrer = artifact(repo, "application/vnd.berth.conformance.sbom.v1", subject, Map.of());

        HttpResponse<byte[]> r = putManifest(repo, sha256(referrer), referrer, OCI_MANIFEST);
        assertStatus(r, 201);
        assertThat(r.headers().firstValue("OCI-Subject")).as("OCI-Subject header").hasValue(subject.digest());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // end-8a / end-8b: tags
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("end-8a GET tags/list: 200, {name, tags} in lexical order")
    void end8a_listTags() {
        String repo = newRepo();
        Image image = pushImage(repo, "v2");
        for (String tag : List.of("latest", "v1", "a-first")) {
            assertStatus(putManifest(repo, tag, image.manifest(), OCI_MANIFEST), 201);
        }
        HttpResponse<byte[]> r = get("/v2/" + repo + "/tags/list");
        assertStatus(r, 200);
        JsonNode body = json(r);
        assertThat(body.path("name").asString()).isEqualTo(repo);
        assertThat(strings(body.path("tags"))).containsExactlyInAnyOrder("a-first", "latest", "v1", "v2");
    }

    @Test
    @DisplayName("end-8a tags/list is in lexical order")
    void end8a_tagsInLexicalOrder() {
        assumeTrue(listsTagsInLexicalOrder(), "registry does not list tags in lexical order (end-8a, MUST)");
        String repo = newRepo();
        Image image = pushImage(repo, "v2");
        for (String tag : List.of("latest", "v1", "a-first", "b10", "b9")) {
            assertStatus(putManifest(repo, tag, image.manifest(), OCI_MANIFEST), 201);
        }
        HttpResponse<byte[]> r = assertStatus(get("/v2/" + repo + "/tags/list"), 200);
        assertThat(strings(json(r).path("tags"))).containsExactly("a-first", "b10", "b9", "latest", "v1", "v2");
    }

    @Test
    @DisplayName("end-8a tags/list of a repository that does not exist: 404 NAME_UNKNOWN")
    void end8a_unknownRepository() {
        assertError(get("/v2/" + newRepo() + "/tags/list"), 404, "NAME_UNKNOWN");
    }

    @Test
    @DisplayName("end-8b tags/list?n=&last=: exact page sizes, last is exclusive, n=0 is empty without Link")
    void end8b_paginateTags() {
        assumeTrue(supportsTagPagination(), "registry does not support tags/list pagination with n and last (end-8b)");
        String repo = newRepo();
        Image image = pushImage(repo, "t1");
        for (String tag : List.of("t2", "t3", "t4", "t5")) {
            assertStatus(putManifest(repo, tag, image.manifest(), OCI_MANIFEST), 201);
        }
        String base = "/v2/" + repo + "/tags/list";

        HttpResponse<byte[]> page1 = get(base + "?n=2");
        assertStatus(page1, 200);
        assertThat(strings(json(page1).path("tags"))).containsExactly("t1", "t2");
        Optional<URI> next = nextLink(page1);
        if (next.isPresent()) {
            HttpResponse<byte[]> page2 = send(request(next.get()).GET());
            assertStatus(page2, 200);
            assertThat(strings(json(page2).path("tags"))).containsExactly("t3", "t4");
        }

        assertThat(strings(json(assertStatus(get(base + "?n=2&last=t2"), 200)).path("tags")))
                .containsExactly("t3", "t4");
        assertThat(strings(json(assertStatus(get(base + "?n=10&last=t4"), 200)).path("tags")))
                .containsExactly("t5");
        assertThat(strings(json(assertStatus(get(base + "?last=t3"), 200)).path("tags")))
                .as("n is optional with last").containsExactly("t4", "t5");
        assertThat(strings(json(assertStatus(get(base + "?n=10"), 200)).path("tags")))
                .containsExactly("t1", "t2", "t3", "t4", "t5");

        HttpResponse<byte[]> zero = get(base + "?n=0");
        assertStatus(zero, 200);
        assertThat(strings(json(zero).path("tags"))).as("n=0 returns an empty list").isEmpty();
        assertThat(zero.headers().firstValue("Link")).as("n=0 MUST NOT have a Link header").isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // end-9 / end-10: deletion
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("end-9 DELETE manifest by digest: 202, then the digest and its tags answer 404")
    void end9_deleteManifestByDigest() {
        assumeTrue(supportsManifestDeletion(), "registry has manifest deletion disabled (end-9)");
        String repo = newRepo();
        Image image = pushImage(repo, "v1");

        assertStatus(delete(manifestPath(repo, image.digest())), 202);
        assertError(get(manifestPath(repo, image.digest())), 404, "MANIFEST_UNKNOWN");
        assertError(get(manifestPath(repo, "v1")), 404, "MANIFEST_UNKNOWN");
        assertStatus(head(manifestPath(repo, image.digest())), 404);
    }

    @Test
    @DisplayName("end-9 DELETE of an unknown manifest digest: 404 MANIFEST_UNKNOWN")
    void end9_deleteUnknownManifest() {
        assumeTrue(supportsManifestDeletion(), "registry has manifest deletion disabled (end-9)");
        String repo = newRepo();
        pushImage(repo, "v1");
        assertError(delete(manifestPath(repo, sha256(randomBytes(5)))), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    @DisplayName("end-9 DELETE manifest in a repository that does not exist: 404")
    void end9_deleteInUnknownRepository() {
        assumeTrue(supportsManifestDeletion(), "registry has manifest deletion disabled (end-9)");
        assertError(delete(manifestPath(newRepo(), sha256(randomBytes(5)))), 404, "MANIFEST_UNKNOWN", "NAME_UNKNOWN");
    }

    @Test
    @DisplayName("end-9 DELETE tag: 202, the tag answers 404 while the manifest stays by digest")
    void end9_deleteTag() {
        assumeTrue(supportsTagDeletion(), "registry does not support tag deletion (end-9 on a tag)");
        String repo = newRepo();
        Image image = pushImage(repo, "v1");
        assertStatus(putManifest(repo, "v2", image.manifest(), OCI_MANIFEST), 201);

        assertStatus(delete(manifestPath(repo, "v1")), 202);
        assertError(get(manifestPath(repo, "v1")), 404, "MANIFEST_UNKNOWN");
        assertStatus(get(manifestPath(repo, "v2")), 200);
        assertStatus(get(manifestPath(repo, image.digest())), 200);
        assertThat(strings(json(get("/v2/" + repo + "/tags/list")).path("tags"))).containsExactly("v2");
    }

    @Test
    @DisplayName("end-9 with tag deletion disabled, DELETE of a tag answers 400 or 405 and keeps the tag")
    void end9_tagDeletionDisabled() {
        assumeTrue(!supportsTagDeletion(), "registry supports tag deletion; the 'disabled' answer does not apply");
        String repo = newRepo();
        pushImage(repo, "v1");
        HttpResponse<byte[]> r = delete(manifestPath(repo, "v1"));
        assertThat(r.statusCode()).as("spec: 400 or 405 when tag deletion is disabled\n%s", describe(r))
                .isIn(400, 405);
        if (isJson(r)) {
            assertErrorBody(r, SPEC_ERROR_CODES.toArray(String[]::new));
        }
        assertStatus(get(manifestPath(repo, "v1")), 200);
    }

    @Test
    @DisplayName("end-10 DELETE blob: 202, then 404 BLOB_UNKNOWN; deleting it again: 404 BLOB_UNKNOWN")
    void end10_deleteBlob() {
        assumeTrue(supportsBlobDeletion(), "registry has blob deletion disabled (end-10)");
        String repo = newRepo();
        byte[] blob = randomBytes(333);
        String digest = pushBlob(repo, blob);

        assertStatus(delete(blobPath(repo, digest)), 202);
        assertError(get(blobPath(repo, digest)), 404, "BLOB_UNKNOWN");
        assertStatus(head(blobPath(repo, digest)), 404);
        assertError(delete(blobPath(repo, digest)), 404, "BLOB_UNKNOWN");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // end-11: cross-repository mount
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("end-11 POST ?mount=&from= of a known blob: 201 with Location, the blob is in the target repository")
    void end11_mountBlob() {
        assumeTrue(supportsCrossMount(), "registry does not support cross-repository mount (end-11)");
        String from = newRepo();
        String to = newRepo();
        byte[] blob = randomBytes(4321);
        String digest = pushBlob(from, blob);
        assertStatus(head(blobPath(to, digest)), 404);

        HttpResponse<byte[]> r = post("/v2/" + to + "/blobs/uploads/?mount=" + enc(digest) + "&from=" + enc(from), null);
        assertStatus(r, 201);
        assertThat(assertStatus(send(request(location(r)).GET()), 200).body()).isEqualTo(blob);
        assertThat(assertStatus(get(blobPath(to, digest)), 200).body()).isEqualTo(blob);
        r.headers().firstValue("Docker-Content-Digest").ifPresent(d -> assertThat(d).isEqualTo(digest));
    }

    @Test
    @DisplayName("end-11 mount of a blob the source does not have: 202 upload session the client can finish")
    void end11_mountUnknownBlobFallsBackToUpload() {
        assumeTrue(supportsCrossMountFallback(),
                "registry does not fall back to an upload session when a mount fails (end-11, SHOULD 202)");
        String from = newRepo();
        String to = newRepo();
        pushBlob(from, randomBytes(10));
        byte[] blob = randomBytes(999);
        String digest = sha256(blob);

        HttpResponse<byte[]> r = post("/v2/" + to + "/blobs/uploads/?mount=" + enc(digest) + "&from=" + enc(from), null);
        assertStatus(r, 202);
        HttpResponse<byte[]> put = send(request(withQuery(location(r), "digest", digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)));
        assertStatus(put, 201);
        assertThat(get(blobPath(to, digest)).body()).isEqualTo(blob);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // end-12a / end-12b: referrers
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("end-12a GET referrers: 200 image index of every manifest whose subject is the digest")
    void end12a_listReferrers() {
        assumeTrue(supportsReferrers(), "registry does not support the referrers API (end-12a, spec 1.1)");
        String repo = newRepo();
        Image subject = pushImage(repo, "v1");

        byte[] sbom = artifact(repo, "application/vnd.berth.conformance.sbom.v1", subject,
                Map.of("org.opencontainers.image.created", "2026-01-01T00:00:00Z"));
        assertStatus(putManifest(repo, sha256(sbom), sbom, OCI_MANIFEST), 201);

        // No artifactType: the descriptor's artifactType MUST be the config media type.
        String sigConfigType = "application/vnd.berth.conformance.signature.config.v1+json";
        byte[] sigConfig = "{\"signed\":true}".getBytes(StandardCharsets.UTF_8);
        String sigConfigDigest = pushBlob(repo, sigConfig);
        byte[] sigLayer = randomBytes(40);
        String sigLayerDigest = pushBlob(repo, sigLayer);
        byte[] signature = imageManifest(descriptor(sigConfigType, sigConfigDigest, sigConfig.length),
                List.of(descriptor("application/octet-stream", sigLayerDigest, sigLayer.length)), null,
                descriptor(OCI_MANIFEST, subject.digest(), subject.manifest().length), Map.of("kind", "signature"));
        assertStatus(putManifest(repo, sha256(signature), signature, OCI_MANIFEST), 201);

        // Not a referrer: same repository, no subject.
        pushImage(repo, "unrelated");

        HttpResponse<byte[]> r = get("/v2/" + repo + "/referrers/" + subject.digest());
        assertStatus(r, 200);
        assertThat(mediaType(r)).isEqualTo(OCI_INDEX);
        JsonNode index = json(r);
        assertThat(index.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(index.path("mediaType").asString()).isEqualTo(OCI_INDEX);
        List<JsonNode> manifests = collectReferrers(r);
        assertThat(manifests).extracting(m -> m.path("digest").asString())
                .containsExactlyInAnyOrder(sha256(sbom), sha256(signature));

        JsonNode sbomDescriptor = byDigest(manifests, sha256(sbom));
        assertThat(sbomDescriptor.path("mediaType").asString()).isEqualTo(OCI_MANIFEST);
        assertThat(sbomDescriptor.path("size").asLong()).isEqualTo(sbom.length);
        assertThat(sbomDescriptor.path("artifactType").asString()).isEqualTo("application/vnd.berth.conformance.sbom.v1");
        assertThat(sbomDescriptor.path("annotations").path("org.opencontainers.image.created").asString())
                .isEqualTo("2026-01-01T00:00:00Z");

        JsonNode sigDescriptor = byDigest(manifests, sha256(signature));
        assertThat(sigDescriptor.path("artifactType").asString()).isEqualTo(sigConfigType);
        assertThat(sigDescriptor.path("annotations").path("kind").asString()).isEqualTo("signature");
        assertThat(sigDescriptor.path("size").asLong()).isEqualTo(signature.length);
    }

    @Test
    @DisplayName("end-12a referrers of a digest without referrers (or unknown): 200 with an empty manifests list")
    void end12a_noReferrers() {
        assumeTrue(supportsReferrers(), "registry does not support the referrers API (end-12a, spec 1.1)");
        String repo = newRepo();
        Image image = pushImage(repo, "v1");
        for (String digest : List.of(image.digest(), sha256(randomBytes(7)))) {
            HttpResponse<byte[]> r = get("/v2/" + repo + "/referrers/" + digest);
            assertStatus(r, 200);
            assertThat(mediaType(r)).isEqualTo(OCI_INDEX);
            JsonNode manifests = json(r).path("manifests");
            assertThat(manifests.isArray()).as("manifests is an array: %s", describe(r)).isTrue();
            assertThat(manifests.size()).isZero();
        }
    }

    @Test
    @DisplayName("end-12a referrers include manifests pushed before their subject exists")
    void end12a_referrerBeforeSubject() {
        assumeTrue(supportsReferrers(), "registry does not support the referrers API (end-12a, spec 1.1)");
        String repo = newRepo();
        Image subject = buildImage(repo); // blobs pushed, manifest not yet
        byte[] referrer = artifact(repo, "application/vnd.berth.conformance.early.v1", subject, Map.of());
        assertStatus(putManifest(repo, sha256(referrer), referrer, OCI_MANIFEST), 201);
        assertStatus(putManifest(repo, "v1", subject.manifest(), OCI_MANIFEST), 201);

        HttpResponse<byte[]> r = get("/v2/" + repo + "/referrers/" + subject.digest());
        assertStatus(r, 200);
        assertThat(collectReferrers(r)).extracting(m -> m.path("digest").asString()).containsExactly(sha256(referrer));
    }

    @Test
    @DisplayName("end-12a referrers with a malformed digest: 400")
    void end12a_invalidDigest() {
        assumeTrue(supportsReferrers(), "registry does not support the referrers API (end-12a, spec 1.1)");
        String repo = newRepo();
        pushImage(repo, "v1");
        HttpResponse<byte[]> r = get("/v2/" + repo + "/referrers/sha256:not-a-digest");
        assertThat(r.statusCode()).as("status\n%s", describe(r)).isEqualTo(400);
        if (isJson(r)) {
            assertErrorBody(r, "DIGEST_INVALID", "MANIFEST_INVALID", "UNSUPPORTED");
        }
    }

    @Test
    @DisplayName("end-12b referrers?artifactType=: only matching descriptors, with OCI-Filters-Applied: artifactType")
    void end12b_filterReferrers() {
        assumeTrue(supportsReferrers(), "registry does not support the referrers API (end-12b, spec 1.1)");
        assumeTrue(supportsReferrersFiltering(), "registry does not filter referrers by artifactType (end-12b, SHOULD)");
        String repo = newRepo();
        Image subject = pushImage(repo, "v1");
        String sbomType = "application/vnd.berth.conformance.sbom.v1";
        String sigType = "application/vnd.berth.conformance.sig.v1";
        byte[] sbom = artifact(repo, sbomType, subject, Map.of());
        byte[] sig = artifact(repo, sigType, subject, Map.of());
        assertStatus(putManifest(repo, sha256(sbom), sbom, OCI_MANIFEST), 201);
        assertStatus(putManifest(repo, sha256(sig), sig, OCI_MANIFEST), 201);

        HttpResponse<byte[]> r = get("/v2/" + repo + "/referrers/" + subject.digest() + "?artifactType=" + enc(sbomType));
        assertStatus(r, 200);
        assertThat(r.headers().firstValue("OCI-Filters-Applied")).as("OCI-Filters-Applied").isPresent();
        assertThat(Arrays.stream(r.headers().firstValue("OCI-Filters-Applied").orElseThrow().split(","))
                .map(String::trim)).contains("artifactType");
        assertThat(collectReferrers(r)).extracting(m -> m.path("digest").asString()).containsExactly(sha256(sbom));

        HttpResponse<byte[]> none = get("/v2/" + repo + "/referrers/" + subject.digest() + "?artifactType="
                + enc("application/vnd.berth.conformance.nothing"));
        assertStatus(none, 200);
        assertThat(json(none).path("manifests").size()).isZero();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Catalog (Docker Registry HTTP API V2; OCI 1.1 does not define it)
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("catalog GET /v2/_catalog lists the repositories, in lexical order")
    void catalog_list() {
        assumeTrue(supportsCatalog(), "registry does not provide /v2/_catalog");
        String prefix = newRepo();
        List<String> mine = List.of(prefix + "/a", prefix + "/b", prefix + "/c");
        for (String repo : mine) {
            pushImage(repo, "v1");
        }
        List<String> all = walkCatalog("/v2/_catalog?n=1000");
        assertThat(all).containsAll(mine);
        assertThat(all).isSortedAccordingTo(String::compareTo);
    }

    @Test
    @DisplayName("catalog ?n=&last= pages with a Link rel=\"next\" header, last is exclusive")
    void catalog_paginate() {
        assumeTrue(supportsCatalog(), "registry does not provide /v2/_catalog");
        String prefix = newRepo();
        List<String> mine = List.of(prefix + "/a", prefix + "/b", prefix + "/c");
        for (String repo : mine) {
            pushImage(repo, "v1");
        }
        HttpResponse<byte[]> first = get("/v2/_catalog?n=1");
        assertStatus(first, 200);
        assertThat(strings(json(first).path("repositories"))).hasSize(1);
        assertThat(nextLink(first)).as("Link rel=next while more repositories exist").isPresent();

        HttpResponse<byte[]> after = get("/v2/_catalog?n=2&last=" + enc(mine.get(0)));
        assertStatus(after, 200);
        assertThat(strings(json(after).path("repositories"))).containsExactly(mine.get(1), mine.get(2));

        List<String> walked = walkCatalog("/v2/_catalog?n=2");
        assertThat(walked).containsAll(mine).doesNotHaveDuplicates().isSortedAccordingTo(String::compareTo);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Repository names, error bodies, digests
    // ---------------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "invalid name \"{0}\"")
    @ValueSource(strings = {"Upper/case", "double..dot", "-leading", "trailing-", "a/-b", "under__score_"})
    @DisplayName("invalid repository name: 400 NAME_INVALID or 404 (NAME_UNKNOWN)")
    void invalidRepositoryName(String name) {
        assumeTrue(rejectsInvalidName(name), "registry accepts the invalid repository name '" + name + "'");
        HttpResponse<byte[]> r = post("/v2/" + name + "/blobs/uploads/", null);
        assertInvalidName(r);
        assertInvalidName(get("/v2/" + name + "/tags/list"));
        assertInvalidName(get("/v2/" + name + "/manifests/latest"));
    }

    @Test
    @DisplayName("repository name of 256 characters or more: served (202), or refused with 400 NAME_INVALID")
    void nameTooLong() {
        assumeTrue(handlesOverlongNames(), "registry fails with a server error on repository names >= 256 characters");
        String name = "conformance/" + "a".repeat(120) + "/" + "b".repeat(130);
        assertThat(name.length()).isGreaterThanOrEqualTo(256);
        HttpResponse<byte[]> r = post("/v2/" + name + "/blobs/uploads/", null);
        assertThat(r.statusCode()).as("status\n%s", describe(r)).isIn(202, 400);
        if (r.statusCode() == 400) {
            assertErrorBody(r, "NAME_INVALID");
        }
    }

    @ParameterizedTest(name = "invalid name \"{0}\" has a JSON error body")
    @ValueSource(strings = {"Upper/case", "double..dot", "-leading", "trailing-"})
    @DisplayName("invalid repository name: the error body is the spec's JSON with NAME_INVALID / NAME_UNKNOWN")
    void invalidRepositoryNameJsonBody(String name) {
        assumeTrue(rejectsInvalidName(name), "registry accepts the invalid repository name '" + name + "'");
        assumeTrue(jsonErrorsForInvalidNames(),
                "registry answers unroutable repository names with a non-JSON body (allowed: 4xx MAY have any body)");
        for (HttpResponse<byte[]> r : List.of(post("/v2/" + name + "/blobs/uploads/", null),
                get("/v2/" + name + "/tags/list"), get("/v2/" + name + "/manifests/latest"))) {
            assertThat(r.statusCode()).as("status\n%s", describe(r)).isIn(400, 404);
            assertErrorBody(r, "NAME_INVALID", "NAME_UNKNOWN");
        }
    }

    @Test
    @DisplayName("sha512 blobs: upload with ?digest=sha512:..., then GET/HEAD by that digest")
    void sha512_blob() {
        assumeTrue(supportsSha512(), "registry does not support sha512 digests");
        String repo = newRepo();
        byte[] blob = randomBytes(2500);
        String digest = sha512(blob);

        URI session = location(assertStatus(post("/v2/" + repo + "/blobs/uploads/", null), 202));
        HttpResponse<byte[]> patched = patch(session, Arrays.copyOfRange(blob, 0, 1000), 0);
        assertStatus(patched, 202);
        HttpResponse<byte[]> put = send(request(withQuery(location(patched), "digest", digest))
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", "1000-2499")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(blob, 1000, 2500))));
        assertStatus(put, 201);

        HttpResponse<byte[]> r = get(blobPath(repo, digest));
        assertStatus(r, 200);
        assertThat(r.body()).isEqualTo(blob);
        r.headers().firstValue("Docker-Content-Digest").ifPresent(d -> assertThat(d).isIn(digest, sha256(blob)));
        HttpResponse<byte[]> h = head(blobPath(repo, digest));
        assertStatus(h, 200);
        assertThat(h.headers().firstValueAsLong("Content-Length")).hasValue(blob.length);
    }

    @Test
    @DisplayName("sha512 blob with a wrong sha512 digest: 400 DIGEST_INVALID")
    void sha512_digestMismatch() {
        assumeTrue(supportsSha512(), "registry does not support sha512 digests");
        String repo = newRepo();
        URI session = location(assertStatus(post("/v2/" + repo + "/blobs/uploads/", null), 202));
        HttpResponse<byte[]> put = send(request(withQuery(session, "digest", sha512(randomBytes(5))))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(randomBytes(50))));
        assertError(put, 400, "DIGEST_INVALID");
    }

    @Test
    @DisplayName("sha512 manifests: PUT by sha512 digest, GET by it, and blobs referenced by sha512")
    void sha512_manifest() {
        assumeTrue(supportsSha512Manifests(), "registry does not support manifests addressed by sha512 digests");
        String repo = newRepo();
        byte[] layer = randomBytes(300);
        String layerDigest = sha512(layer);
        URI session = location(assertStatus(post("/v2/" + repo + "/blobs/uploads/", null), 202));
        assertStatus(send(request(withQuery(session, "digest", layerDigest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(layer))), 201);
        pushBlob(repo, EMPTY_JSON);
        byte[] manifest = imageManifest(descriptor(OCI_EMPTY, sha256(EMPTY_JSON), EMPTY_JSON.length),
                List.of(descriptor("application/octet-stream", layerDigest, layer.length)),
                "application/vnd.berth.conformance.sha512.v1", null, null);
        String digest = sha512(manifest);

        HttpResponse<byte[]> put = putManifest(repo, digest, manifest, OCI_MANIFEST);
        assertStatus(put, 201);
        HttpResponse<byte[]> r = get(manifestPath(repo, digest));
        assertStatus(r, 200);
        assertThat(r.body()).isEqualTo(manifest);
    }

    @Test
    @DisplayName("every 4xx JSON body is {\"errors\":[{\"code\",\"message\"}]} with codes from the spec's table")
    void errorBodyShape() {
        String repo = newRepo();
        pushImage(repo, "v1");
        List<HttpResponse<byte[]>> failures = List.of(
                get(blobPath(repo, sha256(randomBytes(3)))),
                get(manifestPath(repo, "missing")),
                get("/v2/" + newRepo() + "/tags/list"),
                get("/v2/" + repo + "/blobs/uploads/" + java.util.UUID.randomUUID()),
                putManifest(repo, "bad", "not json".getBytes(StandardCharsets.UTF_8), OCI_MANIFEST));
        for (HttpResponse<byte[]> r : failures) {
            assertThat(r.statusCode()).as("a 4xx\n%s", describe(r)).isBetween(400, 499);
            assertErrorBody(r, SPEC_ERROR_CODES.toArray(String[]::new));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Content building
    // ---------------------------------------------------------------------------------------------------------------

    /** An image manifest (pretty-printed bytes), its digest, and the blobs it references. */
    protected record Image(byte[] manifest, String digest, String configDigest, String layerDigest) {
    }

    /** Pushes a layer and config and the manifest under {@code tag}. */
    protected Image pushImage(String repo, String tag) {
        Image image = buildImage(repo);
        HttpResponse<byte[]> r = putManifest(repo, tag, image.manifest(), OCI_MANIFEST);
        assertStatus(r, 201);
        return image;
    }

    /** Pushes the blobs of a fresh image (a real tar+gzip layer and an OCI config) and returns the unpushed manifest. */
    protected Image buildImage(String repo) {
        byte[] tar = tarWithFile("hello.txt", randomBytes(200));
        byte[] layer = gzip(tar);
        byte[] config = imageConfig(tar);
        String layerDigest = pushBlob(repo, layer);
        String configDigest = pushBlob(repo, config);
        byte[] manifest = imageManifest(descriptor(OCI_CONFIG, configDigest, config.length),
                List.of(descriptor(OCI_LAYER_TAR_GZIP, layerDigest, layer.length)), null, null,
                Map.of("org.opencontainers.image.title", testSlug));
        return new Image(manifest, sha256(manifest), configDigest, layerDigest);
    }

    /** An artifact manifest (empty config, one blob layer) pointing at {@code subject}; its blobs are pushed. */
    protected byte[] artifact(String repo, String artifactType, Image subject, Map<String, String> annotations) {
        pushBlob(repo, EMPTY_JSON);
        byte[] payload = randomBytes(50);
        String payloadDigest = pushBlob(repo, payload);
        return imageManifest(descriptor(OCI_EMPTY, sha256(EMPTY_JSON), EMPTY_JSON.length),
                List.of(descriptor("application/octet-stream", payloadDigest, payload.length)), artifactType,
                descriptor(OCI_MANIFEST, subject.digest(), subject.manifest().length),
                annotations.isEmpty() ? null : annotations);
    }

    protected static ObjectNode descriptor(String mediaType, String digest, long size) {
        ObjectNode d = Json.mapper().createObjectNode();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        return d;
    }

    /** A pretty-printed OCI image manifest (whitespace on purpose, to check that bytes are stored unmodified). */
    protected static byte[] imageManifest(ObjectNode config, List<ObjectNode> layers, String artifactType,
            ObjectNode subject, Map<String, String> annotations) {
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", OCI_MANIFEST);
        if (artifactType != null) {
            m.put("artifactType", artifactType);
        }
        m.set("config", config);
        ArrayNode array = m.putArray("layers");
        layers.forEach(array::add);
        if (subject != null) {
            m.set("subject", subject);
        }
        if (annotations != null) {
            ObjectNode a = m.putObject("annotations");
            annotations.forEach(a::put);
        }
        return Json.pretty(m).getBytes(StandardCharsets.UTF_8);
    }

    /** An OCI image config whose single diff_id is the digest of the uncompressed layer. */
    protected static byte[] imageConfig(byte[] uncompressedLayer) {
        ObjectNode c = Json.mapper().createObjectNode();
        c.put("created", "2026-01-01T00:00:00Z");
        c.put("architecture", "amd64");
        c.put("os", "linux");
        c.putObject("config").putArray("Cmd").add("/bin/true");
        ObjectNode rootfs = c.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.putArray("diff_ids").add(sha256(uncompressedLayer));
        return Json.canonicalBytes(c);
    }

    protected static byte[] tarWithFile(String name, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(content.length);
            entry.setMode(0644);
            entry.setModTime(0);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    protected static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    protected static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    protected static String sha256(byte[] data) {
        return "sha256:" + hash("SHA-256", data);
    }

    protected static String sha512(byte[] data) {
        return "sha512:" + hash("SHA-512", data);
    }

    private static String hash(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A repository name unique to this test: {@code conformance/<test>-<random>}. */
    protected String newRepo() {
        return "conformance/" + testSlug + "-" + HexFormat.of().formatHex(randomBytes(4));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Protocol helpers
    // ---------------------------------------------------------------------------------------------------------------

    /** POST then PUT (end-4a + end-6) of a whole blob; returns its sha256 digest. */
    protected String pushBlob(String repo, byte[] blob) {
        String digest = sha256(blob);
        URI session = location(assertStatus(post("/v2/" + repo + "/blobs/uploads/", null), 202));
        HttpResponse<byte[]> put = send(request(withQuery(session, "digest", digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)));
        assertStatus(put, 201);
        return digest;
    }

    protected HttpResponse<byte[]> putManifest(String repo, String reference, byte[] manifest, String mediaType) {
        return send(request(manifestPath(repo, reference)).header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)));
    }

    protected static String blobPath(String repo, String digest) {
        return "/v2/" + repo + "/blobs/" + digest;
    }

    protected static String manifestPath(String repo, String reference) {
        return "/v2/" + repo + "/manifests/" + reference;
    }

    protected URI url(String pathAndQuery) {
        return registry().resolve(pathAndQuery);
    }

    protected HttpRequest.Builder request(String pathAndQuery) {
        return request(url(pathAndQuery));
    }

    protected HttpRequest.Builder request(URI uri) {
        assertThat(uri.getHost()).as("the suite only talks to the registry under test").isEqualTo(registry().getHost());
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
    }

    protected HttpResponse<byte[]> get(String path) {
        return send(accept(request(path), path).GET());
    }

    protected HttpResponse<byte[]> head(String path) {
        return send(accept(request(path), path).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    }

    /** Clients SHOULD send an Accept header with the manifest types they support: this suite supports the OCI ones. */
    private static HttpRequest.Builder accept(HttpRequest.Builder b, String path) {
        return path.contains("/manifests/") ? b.header("Accept", OCI_MANIFEST + ", " + OCI_INDEX) : b;
    }

    protected HttpResponse<byte[]> delete(String path) {
        return send(request(path).DELETE());
    }

    /** POST with no body sends {@code Content-Length: 0}, as the spec requires before a chunked upload. */
    protected HttpResponse<byte[]> post(String path, byte[] body) {
        HttpRequest.Builder b = request(path);
        if (body == null) {
            return send(b.POST(HttpRequest.BodyPublishers.noBody()));
        }
        return send(b.header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** end-5: PATCH one chunk with {@code Content-Range: <start>-<end>} (inclusive). */
    protected HttpResponse<byte[]> patch(URI location, byte[] chunk, long start) {
        return send(request(location)
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", start + "-" + (start + chunk.length - 1))
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk)));
    }

    protected static HttpResponse<byte[]> send(HttpRequest.Builder builder) {
        HttpRequest req = builder.build();
        try {
            return HTTP.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(req.method() + " " + req.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The Location header, resolved against the request (it MAY be absolute or relative). */
    protected static URI location(HttpResponse<byte[]> r) {
        Optional<String> location = r.headers().firstValue("Location");
        assertThat(location).as("Location header\n%s", describe(r)).isPresent();
        return r.request().uri().resolve(location.get());
    }

    /** Adds a query parameter, keeping whatever (critical) query the location already has. */
    protected static URI withQuery(URI location, String name, String value) {
        String s = location.toString();
        return URI.create(s + (location.getRawQuery() == null ? "?" : "&") + name + "=" + enc(value));
    }

    protected static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The {@code <end>} of an upload's {@code Range: 0-<end>} header. */
    protected static long uploadedEnd(HttpResponse<byte[]> r) {
        Optional<String> range = r.headers().firstValue("Range");
        assertThat(range).as("Range header\n%s", describe(r)).isPresent();
        Matcher m = UPLOAD_RANGE.matcher(range.get().trim());
        assertThat(m.matches()).as("Range '%s' has the form 0-<end>", range.get()).isTrue();
        return Long.parseLong(m.group(1));
    }

    protected static Optional<URI> nextLink(HttpResponse<byte[]> r) {
        for (String link : r.headers().allValues("Link")) {
            Matcher m = LINK_NEXT.matcher(link);
            if (m.find()) {
                return Optional.of(r.request().uri().resolve(m.group(1)));
            }
        }
        return Optional.empty();
    }

    private List<String> walkCatalog(String firstPage) {
        List<String> all = new ArrayList<>();
        Optional<URI> next = Optional.of(url(firstPage));
        for (int pages = 0; next.isPresent(); pages++) {
            assertThat(pages).as("catalog pages").isLessThan(10_000);
            HttpResponse<byte[]> r = assertStatus(send(request(next.get()).GET()), 200);
            all.addAll(strings(json(r).path("repositories")));
            next = nextLink(r);
        }
        return all;
    }

    /** All referrer descriptors, following Link rel=next pages (the spec allows paging the referrers index). */
    private List<JsonNode> collectReferrers(HttpResponse<byte[]> first) {
        List<JsonNode> all = new ArrayList<>();
        HttpResponse<byte[]> r = first;
        for (int pages = 0; ; pages++) {
            assertThat(pages).isLessThan(1000);
            json(r).path("manifests").values().forEach(all::add);
            Optional<URI> next = nextLink(r);
            if (next.isEmpty()) {
                return all;
            }
            r = assertStatus(send(request(next.get()).GET()), 200);
        }
    }

    private static JsonNode byDigest(List<JsonNode> descriptors, String digest) {
        return descriptors.stream().filter(d -> d.path("digest").asString().equals(digest)).findFirst()
                .orElseThrow(() -> new AssertionError("no descriptor for " + digest + " in " + descriptors));
    }

    protected static String mediaType(HttpResponse<byte[]> r) {
        String ct = r.headers().firstValue("Content-Type").orElse("");
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim();
    }

    protected static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.values().forEach(n -> out.add(n.asString()));
        }
        return out;
    }

    protected static JsonNode json(HttpResponse<byte[]> r) {
        try {
            return Json.mapper().readTree(r.body());
        } catch (RuntimeException e) {
            throw new AssertionError("body is not JSON: " + e.getMessage() + "\n" + describe(r), e);
        }
    }

    protected static boolean isJson(HttpResponse<byte[]> r) {
        if (r.body().length == 0) {
            return false;
        }
        try {
            return Json.mapper().readTree(r.body()).isObject();
        } catch (RuntimeException e) {
            return false;
        }
    }

    protected static HttpResponse<byte[]> assertStatus(HttpResponse<byte[]> r, int status) {
        assertThat(r.statusCode()).as("HTTP status\n%s", describe(r)).isEqualTo(status);
        return r;
    }

    /** Asserts the status and a spec-shaped JSON error body containing one of {@code codes}. */
    protected static JsonNode assertError(HttpResponse<byte[]> r, int status, String... codes) {
        assertStatus(r, status);
        return assertErrorBody(r, codes);
    }

    /**
     * The body is {@code {"errors":[{"code":..., "message":..., "detail":...}, ...]}}: every code is upper-case letters
     * and underscores from the spec's table, message (OPTIONAL) is a string, and one code is among {@code expected}.
     */
    protected static JsonNode assertErrorBody(HttpResponse<byte[]> r, String... expected) {
        JsonNode body = json(r);
        JsonNode errors = body.path("errors");
        assertThat(errors.isArray() && !errors.isEmpty()).as("non-empty 'errors' array\n%s", describe(r)).isTrue();
        Set<String> codes = new LinkedHashSet<>();
        for (JsonNode error : errors.values()) {
            JsonNode code = error.path("code");
            assertThat(code.isString()).as("'code' is a string\n%s", describe(r)).isTrue();
            assertThat(code.asString()).matches("[A-Z_]+").isIn(SPEC_ERROR_CODES);
            JsonNode message = error.get("message");
            if (message != null) {
                assertThat(message.isString()).as("'message' is a string\n%s", describe(r)).isTrue();
            }
            codes.add(code.asString());
        }
        assertThat(codes).as("error codes\n%s", describe(r)).containsAnyOf(expected);
        return body;
    }

    private static void assertInvalidName(HttpResponse<byte[]> r) {
        // Spec: <name> MUST match the name grammar; an invalid name is NAME_INVALID (400), and a registry whose
        // routing cannot even address the name answers 404 (NAME_UNKNOWN). A JSON body MUST have the error shape.
        assertThat(r.statusCode()).as("status for an invalid name\n%s", describe(r)).isIn(400, 404);
        if (r.statusCode() == 400 || isJson(r)) {
            assertErrorBody(r, "NAME_INVALID", "NAME_UNKNOWN");
        }
    }

    protected static String describe(HttpResponse<byte[]> r) {
        String body = new String(r.body(), 0, Math.min(r.body().length, 2000), StandardCharsets.UTF_8);
        return r.request().method() + " " + r.request().uri() + " -> " + r.statusCode() + "\n" + r.headers().map()
                + "\n" + body;
    }
}
