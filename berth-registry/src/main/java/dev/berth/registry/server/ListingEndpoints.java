package dev.berth.registry.server;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.json.Json;
import dev.berth.registry.storage.Page;
import dev.berth.registry.storage.RegistryStorage;
import dev.berth.registry.storage.RepositoryName;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The read-only listings: tags of a repository, the catalog of repositories, and referrers of a manifest. */
final class ListingEndpoints {
    private static final String JSON = "application/json";

    private final RegistryStorage storage;

    ListingEndpoints(RegistryStorage storage) {
        this.storage = storage;
    }

    void tags(Exchange exchange, RepositoryName name) throws IOException {
        requireGet(exchange);
        Integer n = exchange.queryCount("n");
        Page page = storage.tags(name, exchange.query("last"), n);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name.value());
        body.put("tags", page.items());
        link(exchange, "/v2/" + name + "/tags/list", n, page);
        exchange.send(200, JSON, Json.canonicalBytes(body));
    }

    void catalog(Exchange exchange) throws IOException {
        requireGet(exchange);
        Integer n = exchange.queryCount("n");
        Page page = storage.repositories(exchange.query("last"), n);
        link(exchange, "/v2/_catalog", n, page);
        exchange.send(200, JSON, Json.canonicalBytes(Map.of("repositories", page.items())));
    }

    /** Always an index, empty when nothing refers to the digest: the spec forbids a 404 here. */
    void referrers(Exchange exchange, RepositoryName name, String reference) throws IOException {
        requireGet(exchange);
        Digest subject = RegistryStorage.requestDigest(reference);
        String artifactType = exchange.query("artifactType");
        List<Descriptor> referrers = storage.referrers(name, subject, artifactType);
        if (artifactType != null) {
            exchange.header(Headers.FILTERS_APPLIED, "artifactType");
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        index.put("manifests", referrers);
        exchange.send(200, MediaTypes.OCI_INDEX, Json.canonicalBytes(index));
    }

    private static void link(Exchange exchange, String path, Integer n, Page page) {
        if (page.more() && !page.items().isEmpty()) {
            String last = page.items().getLast();
            exchange.header(Headers.LINK, "<" + path + "?n=" + n + "&last=" + URLEncoder.encode(last, StandardCharsets.UTF_8)
                    + ">; rel=\"next\"");
        }
    }

    private static void requireGet(Exchange exchange) {
        if (!exchange.method().equals("GET")) {
            throw Methods.unsupported(exchange, "GET");
        }
    }
}
