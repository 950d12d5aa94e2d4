package dev.berth.kube;

/** The one exception type of berth-kube: its message is written for the person at the terminal. */
public class KubeException extends RuntimeException {
    public KubeException(String message) {
        super(message);
    }

    public KubeException(String message, Throwable cause) {
        super(message, cause);
    }
}
