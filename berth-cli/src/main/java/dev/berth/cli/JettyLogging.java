package dev.berth.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Jetty reports every start and stop at INFO; for a command-line user only its warnings are news. */
public final class JettyLogging {
    /** Held: java.util.logging keeps loggers weakly, and a collected logger forgets its level. */
    private static final Logger JETTY = Logger.getLogger("org.eclipse.jetty");

    private JettyLogging() {
    }

    /** Called by the commands that start a server, not at every start-up of the CLI. */
    public static void warningsOnly() {
        JETTY.setLevel(Level.WARNING);
    }
}
