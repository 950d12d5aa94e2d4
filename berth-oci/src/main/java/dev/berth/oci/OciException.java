package dev.berth.oci;

/** The one exception type of berth-oci: its message is written for the person at the terminal. */
public class OciException extends RuntimeException {
    public OciException(String message) {
        super(message);
    }

    public OciException(String message, Throwable cause) {
        super(message, cause);
    }
}
