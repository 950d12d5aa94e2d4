package dev.berth.cli;

/** Docker's exit codes, which scripts written for docker already test. */
public final class ExitCodes {
    public static final int OK = 0;
    /** A command that failed (no such image, conflict …). */
    public static final int FAILURE = 1;
    /** Berth itself failed, or the command line was wrong (Docker's flag errors are 125 too). */
    public static final int BERTH_FAILED = 125;
    public static final int CANNOT_INVOKE = 126;
    public static final int NOT_FOUND = 127;

    private ExitCodes() {
    }
}
