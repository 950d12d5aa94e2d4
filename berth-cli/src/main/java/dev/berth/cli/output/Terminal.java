package dev.berth.cli.output;

import java.io.Console;
import java.util.Map;

/** Whether output may be drawn with ANSI cursor movement, and how wide it may be. */
public final class Terminal {
    /** Width assumed when the environment does not tell. */
    public static final int DEFAULT_COLUMNS = 80;

    private Terminal() {
    }

    /** True on an interactive terminal, unless {@code NO_COLOR} is set or {@code TERM=dumb}. */
    public static boolean ansi() {
        Console console = System.console();
        return ansi(console != null && console.isTerminal(), System.getenv());
    }

    public static boolean ansi(boolean terminal, Map<String, String> env) {
        String noColor = env.get("NO_COLOR");
        return terminal && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM"));
    }

    /** {@code COLUMNS} from the environment, else {@link #DEFAULT_COLUMNS}. */
    public static int columns() {
        return columns(System.getenv());
    }

    public static int columns(Map<String, String> env) {
        try {
            int columns = Integer.parseInt(env.getOrDefault("COLUMNS", "").strip());
            return columns > 0 ? columns : DEFAULT_COLUMNS;
        } catch (NumberFormatException e) {
            return DEFAULT_COLUMNS;
        }
    }
}
