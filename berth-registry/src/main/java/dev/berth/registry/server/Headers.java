package dev.berth.registry.server;

/** Header names of the distribution API that Jetty does not know. */
final class Headers {
    static final String API_VERSION = "Docker-Distribution-API-Version";
    static final String CONTENT_DIGEST = "Docker-Content-Digest";
    static final String UPLOAD_UUID = "Docker-Upload-UUID";
    static final String OCI_SUBJECT = "OCI-Subject";
    static final String FILTERS_APPLIED = "OCI-Filters-Applied";
    static final String LOCATION = "Location";
    static final String RANGE = "Range";
    static final String CONTENT_RANGE = "Content-Range";
    static final String CONTENT_TYPE = "Content-Type";
    static final String LINK = "Link";
    static final String ALLOW = "Allow";
    static final String ACCEPT_RANGES = "Accept-Ranges";

    private Headers() {
    }
}
