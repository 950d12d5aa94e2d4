package dev.berth.build;

/** The one exception type of berth-build: its message is written for the person at the terminal. */
public class BuildException extends RuntimeException {
    public BuildException(String message) {
        super(message);
    }

    public BuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
