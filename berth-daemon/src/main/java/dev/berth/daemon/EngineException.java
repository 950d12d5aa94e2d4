package dev.berth.daemon;

/** The one exception type of berth-daemon: its message is written for the person at the terminal. */
public class EngineException extends RuntimeException {
    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
