package dev.berth.registry.client;

import dev.berth.oci.image.Platform;
import java.time.Duration;
import java.util.Set;

/**
 * How a {@link RegistryClient} talks to registries.
 *
 * @param insecureHosts registries (domain as in the reference, {@code host[:port]}) reached over plain HTTP
 * @param tlsVerify false means every registry is reached over plain HTTP ({@code --tls-verify=false})
 * @param maxConcurrentTransfers blobs moved at once by one pull or push (Docker's max-concurrent-downloads)
 * @param chunkSize blobs larger than this are pushed in chunks (PATCH), smaller ones in one PUT
 * @param platform the manifest a pull takes from an index
 * @param credentials where user names and passwords come from
 * @param timeout connect timeout and the wait for each response's headers
 */
public record ClientOptions(
        Set<String> insecureHosts,
        boolean tlsVerify,
        int maxConcurrentTransfers,
        long chunkSize,
        Platform platform,
        CredentialStore credentials,
        Duration timeout) {

    public static final long DEFAULT_CHUNK_SIZE = 64L << 20;
    public static final int DEFAULT_CONCURRENCY = 3;

    public ClientOptions {
        insecureHosts = insecureHosts == null ? Set.of() : Set.copyOf(insecureHosts);
        if (maxConcurrentTransfers < 1) {
            throw new dev.berth.registry.RegistryException("concurrent transfers must be at least 1, not " + maxConcurrentTransfers);
        }
        if (chunkSize < 1) {
            throw new dev.berth.registry.RegistryException("chunk size must be positive, not " + chunkSize);
        }
        platform = platform == null ? Platform.host() : platform;
        credentials = credentials == null ? CredentialStore.none() : credentials;
        timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
    }

    /** HTTPS with verification (plain HTTP for loopback), 3 transfers, 64 MiB chunks, this host's platform, Docker's config.json. */
    public static ClientOptions defaults() {
        return new ClientOptions(Set.of(), true, DEFAULT_CONCURRENCY, DEFAULT_CHUNK_SIZE, Platform.host(),
                CredentialStore.dockerConfig(), Duration.ofSeconds(30));
    }

    public ClientOptions withInsecureHosts(Set<String> hosts) {
        return new ClientOptions(hosts, tlsVerify, maxConcurrentTransfers, chunkSize, platform, credentials, timeout);
    }

    public ClientOptions withTlsVerify(boolean verify) {
        return new ClientOptions(insecureHosts, verify, maxConcurrentTransfers, chunkSize, platform, credentials, timeout);
    }

    public ClientOptions withMaxConcurrentTransfers(int n) {
        return new ClientOptions(insecureHosts, tlsVerify, n, chunkSize, platform, credentials, timeout);
    }

    public ClientOptions withChunkSize(long bytes) {
        return new ClientOptions(insecureHosts, tlsVerify, maxConcurrentTransfers, bytes, platform, credentials, timeout);
    }

    public ClientOptions withPlatform(Platform p) {
        return new ClientOptions(insecureHosts, tlsVerify, maxConcurrentTransfers, chunkSize, p, credentials, timeout);
    }

    public ClientOptions withCredentials(CredentialStore store) {
        return new ClientOptions(insecureHosts, tlsVerify, maxConcurrentTransfers, chunkSize, platform, store, timeout);
    }

    public ClientOptions withTimeout(Duration t) {
        return new ClientOptions(insecureHosts, tlsVerify, maxConcurrentTransfers, chunkSize, platform, credentials, t);
    }
}
