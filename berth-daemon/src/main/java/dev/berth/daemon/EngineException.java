package dev.berth.daemon;

/**
 * The one exception type of berth-daemon: its message is written for the person at the terminal, and its kind says
 * which HTTP status the API answers with and which exit code the CLI ends with (Docker's: 125 when Berth fails, 126
 * when the container's command cannot be invoked, 127 when it is not found).
 */
public class EngineException extends RuntimeException {
    /** What went wrong, in the terms of the API's status codes. */
    public enum Kind {
        /** 400: the request is wrong. */
        INVALID(400),
        /** 404: no such container, image or exec. */
        NOT_FOUND(404),
        /** 409: a name in use, a container in the wrong state. */
        CONFLICT(409),
        /** 500: the engine failed. */
        FAILED(500),
        /** 500, exit code 126: the command exists but cannot be run. */
        CANNOT_INVOKE(500),
        /** 500, exit code 127: the command is not in the image. */
        COMMAND_NOT_FOUND(500);

        public final int httpStatus;

        Kind(int httpStatus) {
            this.httpStatus = httpStatus;
        }
    }

    private final Kind kind;

    public EngineException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public EngineException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public EngineException(String message) {
        this(Kind.FAILED, message);
    }

    public EngineException(String message, Throwable cause) {
        this(Kind.FAILED, message, cause);
    }

    public Kind kind() {
        return kind;
    }

    /** The exit code the CLI ends with for this failure, as Docker's. */
    public int exitCode() {
        return switch (kind) {
            case CANNOT_INVOKE -> 126;
            case COMMAND_NOT_FOUND -> 127;
            default -> 125;
        };
    }
}
