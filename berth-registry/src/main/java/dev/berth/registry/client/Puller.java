package dev.berth.registry.client;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import dev.berth.oci.json.Json;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.BlobWriter;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import dev.berth.registry.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One pull: manifest (through an index when there is one), then config and layers in parallel, then the name. */
final class Puller {
    static final String MANIFEST_ACCEPT = String.join(", ", MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
            MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);
    /** Docker's limit for a manifest body. */
    static final int MAX_MANIFEST_BYTES = 4 << 20;
    /** Tries after the first for one blob, each resuming where the last stopped. */
    static final int BLOB_RETRIES = 3;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final RegistryClient client;
    private final Transport transport;
    private final ImageStore store;
    private final Reference reference;
    private final TransferListener listener;
    private final String domain;
    private final String repo;
    private final String scope;
    private final URI base;

    private LayerSink sink = LayerSink.NONE;

    Puller withSink(LayerSink layerSink) {
        this.sink = layerSink == null ? LayerSink.NONE : layerSink;
        return this;
    }

    Puller(RegistryClient client, Transport transport, ImageStore store, Reference reference, TransferListener listener) {
        this.client = client;
        this.transport = transport;
        this.store = store;
        this.reference = reference;
        this.listener = listener;
        this.domain = reference.domain();
        this.repo = reference.path();
        this.scope = "repository:" + repo + ":pull";
        this.base = transport.apiBase(domain);
    }

    /** The registry answered 404 for a manifest: the tag, digest or repository does not exist there. */
    static final class ManifestUnknown extends RegistryException {
        ManifestUnknown(String message) {
            super(message);
        }
    }

    record Fetched(byte[] bytes, String mediaType, Digest digest) {
        Descriptor descriptor() {
            return Descriptor.of(mediaType, digest, bytes.length);
        }
    }

    PullResult run() {
        String target = reference.digest() != null ? reference.digest().toString() : reference.tag();
        Fetched top = fetchManifest(target, reference.digest());
        Fetched chosen = top;
        Descriptor indexDescriptor = null;
        if (MediaTypes.isIndex(top.mediaType())) {
            Index index = read(top, Index.class, "image index");
            Platform platform = client.options().platform();
            Descriptor child = ImageStore.choosePlatform(index, platform).orElseThrow(() -> new RegistryException(
                    "no matching manifest for " + platform + " in the manifest list of " + reference.familiar()
                            + " (it has: " + platforms(index) + ")"));
            chosen = fetchManifest(child.digest().toString(), child.digest());
            if (chosen.bytes().length != child.size()) {
                throw new RegistryException("manifest " + child.digest() + " of " + reference.familiar() + " has "
                        + chosen.bytes().length + " bytes but the index says " + child.size() + "; refused");
            }
            indexDescriptor = top.descriptor();
        }
        if (!MediaTypes.isManifest(chosen.mediaType())) {
            throw new RegistryException("cannot pull " + reference.familiar() + ": unsupported manifest type "
                    + chosen.mediaType());
        }
        Manifest manifest = read(chosen, Manifest.class, "manifest");
        if (manifest.config() == null) {
            throw new RegistryException("manifest " + chosen.digest() + " of " + reference.familiar() + " has no config");
        }
        Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
        blobs.put(manifest.config().digest(), manifest.config());
        for (Descriptor layer : manifest.layers()) {
            blobs.putIfAbsent(layer.digest(), layer);
        }

        Reference name = reference.tag() != null ? reference.repositoryOnly().withTag(reference.tag()) : null;
        Optional<Image> before = name == null ? Optional.empty() : store.find(name.toString());
        AtomicInteger downloaded = new AtomicInteger();
        int present = 0;
        Descriptor manifestDescriptor = chosen.descriptor();
        try (Lease lease = store.lease()) {
            // the config first, alone: a sink unpacking layers while they download needs it (their diffIDs)
            Descriptor configDescriptor = manifest.config();
            if (lease.holdIfPresent(configDescriptor.digest())) {
                present++;
            } else {
                download(lease, configDescriptor, false);
                downloaded.incrementAndGet();
            }
            if (sink != LayerSink.NONE) {
                sink.begin(manifest, dev.berth.oci.json.Json.read(store.content().read(configDescriptor.digest()),
                        dev.berth.oci.image.ImageConfig.class, "image config " + configDescriptor.digest()));
            }
            List<Runnable> downloads = new ArrayList<>();
            for (Descriptor blob : blobs.values()) {
                if (blob.digest().equals(configDescriptor.digest())) {
                    continue;
                }
                if (lease.holdIfPresent(blob.digest())) {
                    present++;
                    listener.layer(blob, TransferListener.Status.ALREADY_EXISTS, null);
                    sink.stored(blob);
                } else {
                    downloads.add(() -> {
                        download(lease, blob, true);
                        downloaded.incrementAndGet();
                        listener.layer(blob, TransferListener.Status.PULL_COMPLETE, null);
                        sink.stored(blob);
                    });
                }
            }
            Parallel.run(downloads, client.options().maxConcurrentTransfers(), "berth-pull-");
            sink.finish();
            put(lease, chosen);
            if (indexDescriptor != null) {
                put(lease, top);
            }
            try {
                if (name != null) {
                    store.tag(name, manifestDescriptor);
                } else {
                    store.addUntagged(manifestDescriptor);
                }
            } catch (OciException e) {
                throw new RegistryException(e.getMessage(), e);
            }
        }
        blobs.keySet().forEach(d -> client.remember(domain, d, repo));
        boolean upToDate = downloaded.get() == 0 && before.isPresent()
                && before.get().root().digest().equals(manifestDescriptor.digest());
        return new PullResult(reference, top.digest(), manifestDescriptor, indexDescriptor, downloaded.get(), present, upToDate);
    }

    private static String platforms(Index index) {
        List<String> names = new ArrayList<>();
        for (Descriptor d : index.manifests()) {
            if (d.platform() != null) {
                names.add(d.platform().toString());
            }
        }
        return names.isEmpty() ? "no platforms" : String.join(", ", names);
    }

    private <T> T read(Fetched fetched, Class<T> type, String what) {
        try {
            return Json.read(fetched.bytes(), type, what + " " + fetched.digest());
        } catch (OciException e) {
            throw new RegistryException(e.getMessage() + " (from " + reference.familiar() + ")", e);
        }
    }

    private void put(Lease lease, Fetched fetched) {
        try (BlobWriter writer = lease.writer()) {
            writer.write(fetched.bytes());
            writer.commit(fetched.mediaType(), fetched.digest(), fetched.bytes().length);
        } catch (IOException | OciException e) {
            throw new RegistryException("cannot store manifest " + fetched.digest() + ": " + e.getMessage(), e);
        }
    }

    // ---- manifests

    /** GETs a manifest by tag or digest; verifies it against the digest asked for and the Docker-Content-Digest header. */
    Fetched fetchManifest(String target, Digest expected) {
        URI uri = base.resolve(repo + "/manifests/" + target);
        HttpResponse<InputStream> response = transport.send(domain, scope,
                Transport.Call.get(uri, Map.of("Accept", MANIFEST_ACCEPT)), HttpResponse.BodyHandlers.ofInputStream());
        String what = repo + (target.contains(":") ? "@" : ":") + target;
        if (response.statusCode() == 404) {
            throw new ManifestUnknown("manifest for " + displayName(target) + " not found: " + Transport.errorOf(response));
        }
        if (response.statusCode() != 200) {
            throw new RegistryException("cannot get the manifest of " + what + " from " + domain + ": " + Transport.errorOf(response));
        }
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        } catch (IOException e) {
            throw Transport.unreachable(domain + " while reading the manifest of " + what, e);
        }
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw new RegistryException("the manifest of " + what + " is larger than " + MAX_MANIFEST_BYTES + " bytes; refused");
        }
        Optional<Digest> header = response.headers().firstValue("Docker-Content-Digest").flatMap(Puller::parseDigest);
        String algorithm = expected != null ? expected.algorithm() : header.map(Digest::algorithm).orElse("sha256");
        Digest actual = digest(algorithm, bytes);
        if (expected != null && !expected.equals(actual)) {
            throw new RegistryException("manifest of " + what + " has digest " + actual + " but " + expected
                    + " was asked for; refused");
        }
        if (header.isPresent()) {
            Digest headerDigest = header.get();
            Digest check = headerDigest.algorithm().equals(algorithm) ? actual : digest(headerDigest.algorithm(), bytes);
            if (!check.equals(headerDigest)) {
                throw new RegistryException("manifest of " + what + " has digest " + check
                        + " but the registry's Docker-Content-Digest says " + headerDigest + "; refused");
            }
        }
        return new Fetched(bytes, mediaType(response, bytes, what), actual);
    }

    private String displayName(String target) {
        return reference.repositoryOnly().familiar() + (target.contains(":") ? "@" : ":") + target;
    }

    private static Optional<Digest> parseDigest(String text) {
        try {
            return Optional.of(Digest.parse(text.strip()));
        } catch (OciException e) {
            return Optional.empty();
        }
    }

    static Digest digest(String algorithm, byte[] bytes) {
        try {
            MessageDigest md = Digest.newMessageDigest(algorithm);
            return Digest.of(algorithm, md.digest(bytes));
        } catch (OciException e) {
            throw new RegistryException(e.getMessage(), e);
        }
    }

    /** The manifest's type from Content-Type, else from its own mediaType field, else from its shape. */
    private static String mediaType(HttpResponse<?> response, byte[] bytes, String what) {
        String contentType = response.headers().firstValue("Content-Type").map(t -> t.split(";")[0].strip()).orElse("");
        if (MediaTypes.isManifest(contentType) || MediaTypes.isIndex(contentType)) {
            return contentType;
        }
        var tree = Json.tree(bytes, "manifest of " + what);
        String declared = tree.path("mediaType").asString("");
        if (MediaTypes.isManifest(declared) || MediaTypes.isIndex(declared)) {
            return declared;
        }
        if (tree.path("schemaVersion").asInt(0) == 1) {
            throw new RegistryException("the manifest of " + what + " is Docker schema 1, which Berth does not pull");
        }
        if (tree.has("manifests")) {
            return MediaTypes.OCI_INDEX;
        }
        if (tree.has("config")) {
            return MediaTypes.OCI_MANIFEST;
        }
        throw new RegistryException("the manifest of " + what + " has an unknown type '" + contentType + "'");
    }

    // ---- blobs

    /**
     * Fetches a blob into the store, resuming with Range after a broken transfer, and continuing what an earlier pull
     * (even one that was killed) left in the store's ingest area; commit checks digest and size of the whole content.
     * A continued blob that fails its digest is fetched once more from byte 0.
     */
    private void download(Lease lease, Descriptor blob, boolean report) {
        try {
            downloadOnce(lease.resumableWriter(blob.digest(), blob.size()), blob, report);
        } catch (ResumedCorrupt e) {
            listener.layer(blob, TransferListener.Status.RETRYING, "the partial download was corrupt; starting again");
            try (BlobWriter fresh = lease.writer()) {
                downloadOnce(fresh, blob, report);
            } catch (ResumedCorrupt impossible) {
                throw impossible.failure;
            }
        }
    }

    /** A commit that failed after continuing an earlier partial file: worth one fresh try. */
    private static final class ResumedCorrupt extends Exception {
        final RegistryException failure;

        ResumedCorrupt(RegistryException failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }
    }

    private void downloadOnce(BlobWriter opened, Descriptor blob, boolean report) throws ResumedCorrupt {
        try (BlobWriter writer = opened) {
            if (writer.resumedFrom() > 0 && report) {
                listener.progress(blob, writer.resumedFrom(), blob.size());
            }
            Exception last = null;
            for (int attempt = 0; attempt <= BLOB_RETRIES; attempt++) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new RegistryException("interrupted");
                }
                if (attempt > 0) {
                    listener.layer(blob, TransferListener.Status.RETRYING,
                            "retrying from byte " + writer.size() + " after: " + message(last));
                    sleep(250L * attempt);
                }
                try {
                    if (writer.size() < blob.size()) {
                        fetchInto(writer, blob, report);
                    }
                    if (writer.size() == blob.size()) {
                        last = null;
                        break;
                    }
                    last = new IOException("connection closed after " + writer.size() + " of " + blob.size() + " bytes");
                } catch (IOException e) {
                    last = e;
                } catch (RegistryException e) {
                    if (!(e.getCause() instanceof IOException)) {
                        throw e;
                    }
                    last = e;
                }
            }
            if (last != null) {
                throw new RegistryException("cannot download blob " + blob.digest() + " of " + reference.familiar() + " after "
                        + (BLOB_RETRIES + 1) + " attempts: " + message(last));
            }
            try {
                writer.commit(blob.mediaType(), blob.digest(), blob.size());
            } catch (OciException e) {
                RegistryException failure = new RegistryException("blob " + blob.digest() + " of " + reference.familiar()
                        + " from " + domain + " is corrupt: " + e.getMessage(), e);
                if (writer.resumedFrom() > 0) {
                    throw new ResumedCorrupt(failure);
                }
                throw failure;
            }
        }
    }

    private static String message(Exception e) {
        return e == null ? "" : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted");
        }
    }

    /** One GET of a blob from what the writer has; appends what arrives. */
    private void fetchInto(BlobWriter writer, Descriptor blob, boolean report) throws IOException {
        long have = writer.size();
        URI uri = base.resolve(repo + "/blobs/" + blob.digest());
        Map<String, String> headers = have > 0 ? Map.of("Range", "bytes=" + have + "-") : Map.of();
        HttpResponse<InputStream> response = transport.send(domain, scope, Transport.Call.get(uri, headers),
                HttpResponse.BodyHandlers.ofInputStream());
        int status = response.statusCode();
        long skip;
        if (status == 200) {
            // the server ignored the range: the whole blob comes again, so it replaces what we have
            writer.restart();
            skip = 0;
        } else if (status == 206) {
            String range = response.headers().firstValue("Content-Range").orElse("");
            Matcher m = CONTENT_RANGE.matcher(range.strip());
            if (!m.matches()) {
                Transport.discard(response);
                throw new IOException("206 without a usable Content-Range ('" + range + "')");
            }
            long start = Long.parseLong(m.group(1));
            if (start > have) {
                Transport.discard(response);
                throw new RegistryException(domain + " answered bytes from " + start + " when asked from " + have
                        + " for blob " + blob.digest());
            }
            skip = have - start;
        } else if (status >= 500 || status == 429 || status == 408) {
            throw new IOException(Transport.errorOf(response));
        } else {
            throw new RegistryException("cannot get blob " + blob.digest() + " of " + reference.familiar() + ": "
                    + Transport.errorOf(response));
        }
        try (InputStream in = response.body()) {
            if (skip > 0) {
                in.skipNBytes(skip);
            }
            byte[] buffer = new byte[1 << 16];
            long reported = writer.size();
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (writer.size() + n > blob.size()) {
                    throw new RegistryException("blob " + blob.digest() + " of " + reference.familiar() + " from " + domain
                            + " is corrupt: it is longer than the " + blob.size() + " bytes its descriptor says; refused");
                }
                writer.write(buffer, 0, n);
                long size = writer.size();
                if (report && (size - reported >= TransferListener.PROGRESS_INTERVAL || size == blob.size())) {
                    reported = size;
                    listener.progress(blob, size, blob.size());
                }
            }
        }
    }
}
