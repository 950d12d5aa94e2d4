package dev.berth.registry;

/** The one exception type of berth-registry: its message is written for the person at the terminal. */
public class RegistryException extends RuntimeException {
    public RegistryException(String message) {
        super(message);
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
