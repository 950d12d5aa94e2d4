package dev.berth.cli;

/** A command's own failure with a chosen exit code (Docker prints some errors and exits 1, `run` uses 125 …). */
public final class CommandFailure extends RuntimeException {
    private final int exitCode;

    public CommandFailure(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
