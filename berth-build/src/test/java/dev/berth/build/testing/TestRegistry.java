package dev.berth.build.testing;

import dev.berth.oci.store.ImageStore;
import dev.berth.registry.client.ClientOptions;
import dev.berth.registry.client.CredentialStore;
import dev.berth.registry.client.RegistryClient;
import dev.berth.registry.server.RegistryServer;
import java.nio.file.Path;

/**
 * Berth's own registry on 127.0.0.1 with a free port, and a client for it (plain HTTP, as for every loopback
 * registry; no credentials from the machine's Docker config). Images are pushed from a store of the test's own.
 */
public final class TestRegistry implements AutoCloseable {
    private final RegistryServer server;
    private final RegistryClient client;
    /** Kept: the server forgets its port once stopped, and tests name references after stopping it. */
    private final String domain;
    private boolean closed;

    private TestRegistry(RegistryServer server) {
        this.server = server;
        this.domain = server.baseUri().getAuthority();
        this.client = new RegistryClient(ClientOptions.defaults().withCredentials(CredentialStore.none()));
    }

    /** Starts a registry that keeps its data under {@code root}. */
    public static TestRegistry start(Path root) {
        return new TestRegistry(RegistryServer.start(new RegistryServer.Config(root, "127.0.0.1", 0, false)));
    }

    /** {@code 127.0.0.1:PORT}, the domain of references to this registry. */
    public String domain() {
        return domain;
    }

    /** A reference to {@code repositoryAndTag} ({@code team/base:1}) in this registry. */
    public String ref(String repositoryAndTag) {
        return domain() + "/" + repositoryAndTag;
    }

    public RegistryClient client() {
        return client;
    }

    /** Pushes the image {@code source} names in {@code store} to {@code target} (a full reference to this registry). */
    public void push(ImageStore store, String source, String target) {
        client.push(store, source, dev.berth.oci.reference.Reference.parse(target), null);
    }

    /** Stops the registry (a test may stop it early to be offline); closing twice is harmless. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            client.close();
            server.close();
        }
    }
}
