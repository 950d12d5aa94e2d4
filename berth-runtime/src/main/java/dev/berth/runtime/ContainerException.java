package dev.berth.runtime;

/** The one exception type of berth-runtime: its message is written for the person at the terminal. */
public class ContainerException extends java.lang.RuntimeException {
    public ContainerException(String message) {
        super(message);
    }

    public ContainerException(String message, Throwable cause) {
        super(message, cause);
    }
}
