package dev.berth.registry.storage;

import dev.berth.registry.RegistryException;

/**
 * A {@link RegistryException} that a client caused and the distribution API reports with one of the spec's error
 * codes; the server turns it into the spec's error body. Anything else thrown is a server fault.
 */
public final class DistributionException extends RegistryException {
    private final ErrorCode code;
    private final String detail;

    public DistributionException(ErrorCode code, String detail) {
        super(code.message() + (detail == null ? "" : ": " + detail));
        this.code = code;
        this.detail = detail;
    }

    public ErrorCode code() {
        return code;
    }

    /** A human-readable explanation, or null. */
    public String detail() {
        return detail;
    }
}
