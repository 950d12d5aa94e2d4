package dev.berth.registry.storage;

/**
 * The error codes of the OCI distribution spec (section "Error Codes"), each with the HTTP status Berth answers it
 * with. RANGE_INVALID is Berth's own: the spec asks for 416 on an unsatisfiable range or an out-of-order chunk but
 * names no code for it. PAGINATION_NUMBER_INVALID is Docker's.
 */
public enum ErrorCode {
    BLOB_UNKNOWN(404, "blob unknown to registry"),
    BLOB_UPLOAD_INVALID(400, "blob upload invalid"),
    BLOB_UPLOAD_UNKNOWN(404, "blob upload unknown to registry"),
    DIGEST_INVALID(400, "provided digest did not match uploaded content"),
    MANIFEST_BLOB_UNKNOWN(400, "manifest references a manifest or blob unknown to registry"),
    MANIFEST_INVALID(400, "manifest invalid"),
    MANIFEST_UNKNOWN(404, "manifest unknown to registry"),
    NAME_INVALID(400, "invalid repository name"),
    NAME_UNKNOWN(404, "repository name not known to registry"),
    SIZE_INVALID(400, "provided length did not match content length"),
    MANIFEST_TOO_LARGE(413, "manifest too large"),
    RANGE_INVALID(416, "requested range not satisfiable"),
    /** Not in the spec either: a malformed {@code n} for tag or catalog listing, named as Docker's registry names it. */
    PAGINATION_NUMBER_INVALID(400, "invalid number of results requested"),
    UNSUPPORTED(405, "the operation is unsupported"),
    UNKNOWN(500, "unknown error");

    private final int httpStatus;
    private final String message;

    ErrorCode(int httpStatus, String message) {
        this.httpStatus = httpStatus;
        this.message = message;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String message() {
        return message;
    }

    /** The code as it appears on the wire; the too-large manifest is the spec's SIZE_INVALID with a 413 status. */
    public String wireCode() {
        return this == MANIFEST_TOO_LARGE ? "SIZE_INVALID" : name();
    }
}
