package dev.berth.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The berth command run in this JVM against a given root, with its output and exit code captured, for CLI tests. */
final class InProcessBerth {
    private InProcessBerth() {
    }

    /** What one command printed and returned. */
    record Run(int exit, String out, String err) {
    }

    static Run run(Path root, String... args) {
        List<String> full = new ArrayList<>(List.of("--root", root.toString()));
        full.addAll(List.of(args));
        String[] argv = full.toArray(String[]::new);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var cl = BerthCommand.commandLine(argv);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        int exit = cl.execute(argv);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
