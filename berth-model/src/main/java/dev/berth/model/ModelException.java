package dev.berth.model;

/** The one exception type of berth-model: its message is written for the person at the terminal. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
