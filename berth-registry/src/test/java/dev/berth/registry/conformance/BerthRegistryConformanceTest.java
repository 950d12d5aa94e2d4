package dev.berth.registry.conformance;

import dev.berth.registry.server.RegistryServer;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the suite against Berth's own registry server, on an ephemeral port of 127.0.0.1 with a store in a temporary
 * directory. Berth targets all of OCI Distribution Spec v1.1 (referrers, OCI-Subject, tag deletion, pagination,
 * sha512, single-POST upload, catalog), so every capability hook keeps its default {@code true}; the only skipped test is
 * {@code end9_tagDeletionDisabled}, which applies to registries that have tag deletion switched off.
 */
class BerthRegistryConformanceTest extends DistributionConformanceSuite {

    @TempDir
    static Path root;

    private static RegistryServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = RegistryServer.start(new RegistryServer.Config(root, "127.0.0.1", 0, false));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected URI registry() {
        return server.baseUri();
    }
}
