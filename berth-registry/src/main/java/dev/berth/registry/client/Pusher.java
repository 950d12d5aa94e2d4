package dev.berth.registry.client;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import dev.berth.registry.RegistryException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/** One push: every blob the registry lacks (in parallel), then child manifests, then the root manifest under the tag. */
final class Pusher {
    private final RegistryClient client;
    private final Transport transport;
    private final ImageStore store;
    private final String source;
    private final Reference target;
    private final TransferListener listener;
    private final String domain;
    private final String repo;
    private final String scope;
    private final URI base;

    Pusher(RegistryClient client, Transport transport, ImageStore store, String source, Reference target, TransferListener listener) {
        this.client = client;
        this.transport = transport;
        this.store = store;
        this.source = source;
        this.target = target;
        this.listener = listener;
        this.domain = target.domain();
        this.repo = target.path();
        this.scope = "repository:" + repo + ":pull,push";
        this.base = transport.apiBase(domain);
    }

    PushResult run() {
        Image image;
        try {
            image = store.resolve(source);
        } catch (OciException e) {
            throw new RegistryException("An image does not exist locally with the tag: " + source, e);
        }
        Descriptor root = image.root();
        if (target.digest() != null && !target.digest().equals(root.digest())) {
            throw new RegistryException("cannot push " + source + " as " + target + ": the image's digest is " + root.digest());
        }
        List<Descriptor> manifests = new ArrayList<>();
        Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
        Map<Digest, Boolean> isLayer = new LinkedHashMap<>();
        try {
            if (MediaTypes.isIndex(root.mediaType())) {
                for (Descriptor child : store.readIndex(root.digest()).manifests()) {
                    if (!store.content().contains(child.digest())) {
                        throw new RegistryException("cannot push " + source + ": the store lacks its manifest " + child.digest()
                                + (child.platform() == null ? "" : " for " + child.platform()));
                    }
                    if (MediaTypes.isManifest(child.mediaType())) {
                        collect(store.readManifest(child.digest()), blobs, isLayer);
                    }
                    manifests.add(child);
                }
            } else {
                collect(store.readManifest(root.digest()), blobs, isLayer);
            }
        } catch (OciException e) {
            throw new RegistryException("cannot push " + source + ": " + e.getMessage(), e);
        }
        manifests.add(root);

        AtomicInteger uploaded = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        try (Lease lease = store.lease()) {
            for (Descriptor m : manifests) {
                lease.holdIfPresent(m.digest());
            }
            List<Runnable> transfers = new ArrayList<>();
            for (Descriptor blob : blobs.values()) {
                if (!lease.holdIfPresent(blob.digest())) {
                    throw new RegistryException("cannot push " + source + ": blob " + blob.digest() + " is missing from the store");
                }
                boolean layer = isLayer.get(blob.digest());
                transfers.add(() -> {
                    Outcome outcome = pushBlob(blob, layer);
                    TransferListener.Status status = outcome.status();
                    if (status == TransferListener.Status.PUSHED) {
                        uploaded.incrementAndGet();
                    } else {
                        skipped.incrementAndGet();
                    }
                    client.remember(domain, blob.digest(), repo);
                    if (layer) {
                        listener.layer(blob, status, outcome.detail());
                    }
                });
            }
            Parallel.run(transfers, client.options().maxConcurrentTransfers(), "berth-push-");
            for (int i = 0; i < manifests.size(); i++) {
                Descriptor m = manifests.get(i);
                boolean isRoot = i == manifests.size() - 1;
                String ref = isRoot && target.tag() != null ? target.tag() : m.digest().toString();
                putManifest(m, ref);
            }
        }
        return new PushResult(target, root.digest(), root.size(), uploaded.get(), skipped.get());
    }

    private static void collect(Manifest manifest, Map<Digest, Descriptor> blobs, Map<Digest, Boolean> isLayer) {
        if (manifest.config() != null) {
            blobs.putIfAbsent(manifest.config().digest(), manifest.config());
            isLayer.putIfAbsent(manifest.config().digest(), false);
        }
        for (Descriptor layer : manifest.layers()) {
            blobs.putIfAbsent(layer.digest(), layer);
            isLayer.put(layer.digest(), true);
        }
    }

    private record Outcome(TransferListener.Status status, String detail) {
    }

    private Outcome pushBlob(Descriptor blob, boolean report) {
        URI blobUri = base.resolve(repo + "/blobs/" + blob.digest());
        HttpResponse<Void> head = transport.send(domain, scope,
                new Transport.Call("HEAD", blobUri, Map.of(), HttpRequest.BodyPublishers::noBody), HttpResponse.BodyHandlers.discarding());
        if (head.statusCode() == 200) {
            return new Outcome(TransferListener.Status.LAYER_EXISTS, null);
        }
        if (head.statusCode() != 404) {
            throw new RegistryException("cannot check blob " + blob.digest() + " in " + domain + "/" + repo + ": HTTP " + head.statusCode());
        }
        Optional<String> from = client.knownRepository(domain, blob.digest()).filter(r -> !r.equals(repo));
        String query = from.map(r -> "?mount=" + blob.digest() + "&from=" + URLEncoder.encode(r, StandardCharsets.UTF_8)).orElse("");
        URI start = base.resolve(repo + "/blobs/uploads/" + query);
        HttpResponse<byte[]> post = transport.send(domain, scope,
                new Transport.Call("POST", start, Map.of(), HttpRequest.BodyPublishers::noBody), HttpResponse.BodyHandlers.ofByteArray());
        if (post.statusCode() == 201 && from.isPresent()) {
            return new Outcome(TransferListener.Status.MOUNTED, from.get());
        }
        if (post.statusCode() != 202) {
            throw new RegistryException("cannot start the upload of blob " + blob.digest() + " to " + domain + "/" + repo + ": "
                    + Transport.errorOf(post));
        }
        URI location = location(post, start);
        Path file = store.content().path(blob.digest());
        long size = blob.size();
        long chunk = client.options().chunkSize();
        LongConsumer progress = report ? bytes -> listener.progress(blob, bytes, size) : null;
        if (size > chunk) {
            for (long offset = 0; offset < size; offset += chunk) {
                long from0 = offset;
                long length = Math.min(chunk, size - offset);
                HttpResponse<byte[]> patch = transport.send(domain, scope, new Transport.Call("PATCH", location,
                        Map.of("Content-Type", "application/octet-stream", "Content-Range", from0 + "-" + (from0 + length - 1)),
                        () -> HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(() -> slice(file, from0, length, progress)), length)),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (patch.statusCode() != 202) {
                    throw new RegistryException("cannot upload bytes " + from0 + "-" + (from0 + length - 1) + " of blob "
                            + blob.digest() + " to " + domain + "/" + repo + ": " + Transport.errorOf(patch));
                }
                location = location(patch, location);
            }
            finish(blob, location, HttpRequest.BodyPublishers::noBody);
        } else if (progress != null && size > 0) {
            finish(blob, location, () -> HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(() -> slice(file, 0, size, progress)), size));
        } else {
            finish(blob, location, () -> {
                try {
                    return HttpRequest.BodyPublishers.ofFile(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return new Outcome(TransferListener.Status.PUSHED, null);
    }

    private void finish(Descriptor blob, URI location, java.util.function.Supplier<HttpRequest.BodyPublisher> body) {
        String sep = location.getRawQuery() == null ? "?" : "&";
        URI put = URI.create(location + sep + "digest=" + URLEncoder.encode(blob.digest().toString(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> response = transport.send(domain, scope,
                new Transport.Call("PUT", put, Map.of("Content-Type", "application/octet-stream"), body),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 201) {
            throw new RegistryException("cannot upload blob " + blob.digest() + " to " + domain + "/" + repo + ": "
                    + Transport.errorOf(response));
        }
        checkDigestHeader(response, blob.digest(), "blob");
    }

    private void checkDigestHeader(HttpResponse<?> response, Digest expected, String what) {
        Optional<String> header = response.headers().firstValue("Docker-Content-Digest");
        if (header.isPresent() && !header.get().strip().equals(expected.toString())) {
            throw new RegistryException(domain + " stored " + what + " " + expected + " under digest " + header.get().strip());
        }
    }

    private static URI location(HttpResponse<?> response, URI request) {
        String location = response.headers().firstValue("Location").orElseThrow(() -> new RegistryException(
                "the registry started an upload without a Location header"));
        return request.resolve(location);
    }

    /** The bytes [offset, offset + length) of a file; progress, if any, hears the file position as they are read. */
    private static InputStream slice(Path file, long offset, long length, LongConsumer progress) {
        try {
            InputStream in = Files.newInputStream(file);
            in.skipNBytes(offset);
            return new FilterInputStream(in) {
                long remaining = length;
                long reported = offset;

                private void advanced(long n) {
                    remaining -= n;
                    long position = offset + length - remaining;
                    if (progress != null && (position - reported >= TransferListener.PROGRESS_INTERVAL || remaining == 0)) {
                        reported = position;
                        progress.accept(position);
                    }
                }

                @Override
                public int read() throws IOException {
                    if (remaining <= 0) {
                        return -1;
                    }
                    int b = super.read();
                    if (b >= 0) {
                        advanced(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (remaining <= 0) {
                        return -1;
                    }
                    int n = super.read(b, off, (int) Math.min(len, remaining));
                    if (n > 0) {
                        advanced(n);
                    }
                    return n;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void putManifest(Descriptor manifest, String ref) {
        byte[] bytes;
        try {
            bytes = store.content().read(manifest.digest());
        } catch (OciException e) {
            throw new RegistryException("cannot push " + source + ": " + e.getMessage(), e);
        }
        URI uri = base.resolve(repo + "/manifests/" + ref);
        HttpResponse<byte[]> response = transport.send(domain, scope,
                new Transport.Call("PUT", uri, Map.of("Content-Type", manifest.mediaType()), () -> HttpRequest.BodyPublishers.ofByteArray(bytes)),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 201) {
            throw new RegistryException("cannot push manifest " + manifest.digest() + " to " + domain + "/" + repo + ":" + ref
                    + ": " + Transport.errorOf(response));
        }
        checkDigestHeader(response, manifest.digest(), "manifest");
    }
}
