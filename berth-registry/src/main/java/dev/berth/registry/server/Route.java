package dev.berth.registry.server;

/**
 * A request path split into endpoint kind, repository name and the rest. Names may contain slashes and even the word
 * "blobs", so the name ends at the last endpoint marker in the path, as the spec's routing implies.
 */
record Route(Kind kind, String name, String argument) {
    enum Kind { BASE, CATALOG, BLOB, UPLOAD_START, UPLOAD, MANIFEST, TAGS, REFERRERS, NOT_FOUND }

    private static final String PREFIX = "/v2/";
    private static final String[] MARKERS = {"/blobs/", "/manifests/", "/referrers/", "/tags/list"};

    static Route parse(String path) {
        if (path.equals("/v2") || path.equals(PREFIX)) {
            return new Route(Kind.BASE, null, null);
        }
        if (!path.startsWith(PREFIX)) {
            return notFound();
        }
        String rest = path.substring(PREFIX.length());
        if (rest.equals("_catalog")) {
            return new Route(Kind.CATALOG, null, null);
        }
        int at = -1;
        String marker = null;
        for (String candidate : MARKERS) {
            int index = rest.lastIndexOf(candidate);
            if (index > at) {
                at = index;
                marker = candidate;
            }
        }
        if (at <= 0) {
            return notFound();
        }
        String name = rest.substring(0, at);
        String tail = rest.substring(at + marker.length());
        return switch (marker) {
            case "/blobs/" -> blobRoute(name, tail);
            case "/manifests/" -> single(Kind.MANIFEST, name, tail);
            case "/referrers/" -> single(Kind.REFERRERS, name, tail);
            default -> tail.isEmpty() ? new Route(Kind.TAGS, name, null) : notFound();
        };
    }

    private static Route blobRoute(String name, String tail) {
        if (tail.equals("uploads") || tail.equals("uploads/")) {
            return new Route(Kind.UPLOAD_START, name, null);
        }
        if (tail.startsWith("uploads/")) {
            return single(Kind.UPLOAD, name, tail.substring("uploads/".length()));
        }
        return single(Kind.BLOB, name, tail);
    }

    private static Route single(Kind kind, String name, String argument) {
        return argument.isEmpty() || argument.contains("/") ? notFound() : new Route(kind, name, argument);
    }

    private static Route notFound() {
        return new Route(Kind.NOT_FOUND, null, null);
    }
}
