package dev.berth.tiny;

/** The one exception type of berth-tiny: its message is written for the person at the terminal. */
public class TinyException extends RuntimeException {
    public TinyException(String message) {
        super(message);
    }

    public TinyException(String message, Throwable cause) {
        super(message, cause);
    }
}
