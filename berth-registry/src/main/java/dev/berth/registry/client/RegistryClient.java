package dev.berth.registry.client;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.ImageStore;
import dev.berth.registry.RegistryException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client of OCI distribution registries (OCI Distribution Spec v1.1, and Docker Hub's token authentication): pulls
 * images into an {@link ImageStore} and pushes them from it. Over the JDK's HttpClient on virtual threads; HTTPS by
 * default, plain HTTP for loopback registries and those the options name insecure. One client may serve many pulls
 * and pushes, concurrently; it caches tokens per registry and scope, and remembers which repository of a registry
 * holds a blob so a later push can mount it instead of uploading.
 */
public final class RegistryClient implements AutoCloseable {
    private final ClientOptions options;
    private final Transport transport;
    /** domain -> blob -> a repository of that registry known to hold it. */
    private final Map<String, Map<Digest, String>> knownBlobs = new ConcurrentHashMap<>();

    public RegistryClient(ClientOptions options) {
        this.options = options;
        this.transport = new Transport(options);
    }

    public static RegistryClient withDefaults() {
        return new RegistryClient(ClientOptions.defaults());
    }

    public ClientOptions options() {
        return options;
    }

    /** Where the API of a reference's registry is, for example {@code https://registry-1.docker.io/v2/}. */
    public URI apiBase(String domain) {
        return transport.apiBase(domain);
    }

    /**
     * Pulls an image into the store and names it (a reference by digest only is kept untagged). From an index the
     * manifest for the options' platform is taken. Blobs the store holds are not fetched; every fetched blob is
     * verified against its digest and size before it becomes visible in the store.
     */
    public PullResult pull(ImageStore store, Reference reference, TransferListener listener) {
        return pull(store, reference, listener, LayerSink.NONE);
    }

    /** A pull whose layers go to {@code sink} as soon as each is stored (for unpacking while the rest download). */
    public PullResult pull(ImageStore store, Reference reference, TransferListener listener, LayerSink sink) {
        return new Puller(this, transport, store, reference, listener == null ? TransferListener.none() : listener)
                .withSink(sink).run();
    }

    /** Pulls a reference given as text ({@code busybox}, {@code localhost:5000/team/model:1.0}). */
    public PullResult pull(ImageStore store, String reference, TransferListener listener) {
        return pull(store, parse(reference), listener);
    }

    /**
     * A manifest or image index as the registry serves it for a tag or digest, with its digest verified (against the
     * digest asked for, and the registry's Docker-Content-Digest header), and nothing else fetched: no config, no
     * layers, nothing written to a store. What {@code berth lock} resolves a tag with.
     *
     * @param descriptor media type, digest and size of the manifest or index
     * @param bytes its content, exactly as served
     */
    public record RemoteManifest(dev.berth.oci.image.Descriptor descriptor, byte[] bytes) {
    }

    /**
     * The manifest (or index) a reference points at now, or empty when the registry says it has none (HTTP 404: no
     * such repository, tag or digest). Any other failure (unreachable, refused credentials) is a RegistryException.
     */
    public Optional<RemoteManifest> manifest(Reference reference) {
        Puller reader = new Puller(this, transport, null, reference, TransferListener.none());
        String target = reference.digest() != null ? reference.digest().toString() : reference.tag();
        try {
            Puller.Fetched fetched = reader.fetchManifest(target, reference.digest());
            return Optional.of(new RemoteManifest(fetched.descriptor(), fetched.bytes()));
        } catch (Puller.ManifestUnknown e) {
            return Optional.empty();
        }
    }

    /** Tags are listed in pages of this many, as {@code docker pull --all-tags} asks for them. */
    public static final int DEFAULT_TAGS_PAGE = 1000;

    /** Every tag of a repository (its tag or digest, if any, is ignored), through all pages of the tags list. */
    public List<String> tags(Reference repository) {
        return tags(repository, DEFAULT_TAGS_PAGE);
    }

    /** Every tag of a repository, asking for {@code pageSize} tags per request and following the Link header. */
    public List<String> tags(Reference repository, int pageSize) {
        return new TagLister(transport).list(repository, pageSize);
    }

    /**
     * Pushes the stored image {@code source} (a name or ID as {@code berth images} shows them) to {@code target}:
     * blobs first (skipping those the registry has), manifest last.
     */
    public PushResult push(ImageStore store, String source, Reference target, TransferListener listener) {
        return new Pusher(this, transport, store, source, target, listener == null ? TransferListener.none() : listener).run();
    }

    /** Pushes a stored image under its own name. */
    public PushResult push(ImageStore store, String reference, TransferListener listener) {
        return push(store, reference, parse(reference), listener);
    }

    static Reference parse(String text) {
        try {
            return Reference.parse(text);
        } catch (OciException e) {
            throw new RegistryException(e.getMessage(), e);
        }
    }

    void remember(String domain, Digest blob, String repository) {
        knownBlobs.computeIfAbsent(domain, d -> new ConcurrentHashMap<>()).put(blob, repository);
    }

    Optional<String> knownRepository(String domain, Digest blob) {
        return Optional.ofNullable(knownBlobs.getOrDefault(domain, Map.of()).get(blob));
    }

    @Override
    public void close() {
        transport.close();
    }
}
