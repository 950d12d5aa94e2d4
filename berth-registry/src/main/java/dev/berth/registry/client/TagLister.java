package dev.berth.registry.client;

import dev.berth.oci.json.Json;
import dev.berth.oci.reference.Reference;
import dev.berth.registry.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Lists the tags of a repository ({@code GET /v2/NAME/tags/list?n=…}), following the {@code Link: <…>; rel="next"}
 * pages of the distribution spec until the registry sends no more.
 */
final class TagLister {
    /** A tags page is small JSON; anything larger is not a tags list. */
    private static final int MAX_PAGE_BYTES = 8 << 20;
    /** A registry that keeps sending "next" is broken; this bounds the walk. */
    private static final int MAX_PAGES = 100_000;
    private static final Pattern NEXT = Pattern.compile("<([^>]*)>\\s*;[^,]*rel=\"?next\"?", Pattern.CASE_INSENSITIVE);

    private final Transport transport;

    TagLister(Transport transport) {
        this.transport = transport;
    }

    List<String> list(Reference repository, int pageSize) {
        if (pageSize < 1) {
            throw new RegistryException("tags page size must be at least 1, not " + pageSize);
        }
        String domain = repository.domain();
        String repo = repository.path();
        String scope = "repository:" + repo + ":pull";
        URI base = transport.apiBase(domain);
        URI uri = base.resolve(repo + "/tags/list?n=" + pageSize);
        Set<String> tags = new LinkedHashSet<>();
        for (int page = 0; uri != null; page++) {
            if (page >= MAX_PAGES) {
                throw new RegistryException(domain + " sent more than " + MAX_PAGES + " pages of tags for " + repo);
            }
            HttpResponse<InputStream> response = transport.send(domain, scope,
                    Transport.Call.get(uri, Map.of("Accept", "application/json")), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() == 404) {
                throw new RegistryException("repository " + repository.repositoryOnly().familiar() + " not found: "
                        + Transport.errorOf(response));
            }
            if (response.statusCode() != 200) {
                throw new RegistryException("cannot list the tags of " + repository.repositoryOnly().familiar() + ": "
                        + Transport.errorOf(response));
            }
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_PAGE_BYTES + 1);
            } catch (IOException e) {
                throw Transport.unreachable(domain + " while listing the tags of " + repo, e);
            }
            if (body.length > MAX_PAGE_BYTES) {
                throw new RegistryException("the tags list of " + repo + " from " + domain + " is larger than "
                        + MAX_PAGE_BYTES + " bytes; refused");
            }
            JsonNode list;
            try {
                list = Json.tree(body, "tags list of " + repo);
            } catch (dev.berth.oci.OciException e) {
                throw new RegistryException(domain + " sent a " + e.getMessage(), e);
            }
            JsonNode names = list.path("tags");
            if (names.isArray()) {
                for (JsonNode tag : names) {
                    tags.add(tag.asString(""));
                }
            } else if (!names.isNull() && !names.isMissingNode()) {
                throw new RegistryException(domain + " sent a tags list of " + repo + " whose 'tags' is not an array");
            }
            uri = next(response, uri);
        }
        tags.remove("");
        return new ArrayList<>(tags);
    }

    /** The next page from the Link header, resolved against the page just read; null on the last page. */
    private static URI next(HttpResponse<?> response, URI current) {
        for (String link : response.headers().allValues("Link")) {
            Matcher m = NEXT.matcher(link);
            if (m.find()) {
                try {
                    return current.resolve(m.group(1).strip());
                } catch (IllegalArgumentException e) {
                    throw new RegistryException("the registry sent a Link header that is not a URL: " + link);
                }
            }
        }
        return null;
    }
}
