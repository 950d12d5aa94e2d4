package dev.berth.daemon.engine;

import dev.berth.daemon.EngineException;
import java.util.Locale;
import java.util.Map;

/** Signal names as users write them (HUP, SIGHUP, 1) in the form runc accepts. */
final class Signals {
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(Map.entry("SIGHUP", 1), Map.entry("SIGINT", 2),
            Map.entry("SIGQUIT", 3), Map.entry("SIGILL", 4), Map.entry("SIGTRAP", 5), Map.entry("SIGABRT", 6),
            Map.entry("SIGBUS", 7), Map.entry("SIGFPE", 8), Map.entry("SIGKILL", 9), Map.entry("SIGUSR1", 10),
            Map.entry("SIGSEGV", 11), Map.entry("SIGUSR2", 12), Map.entry("SIGPIPE", 13), Map.entry("SIGALRM", 14),
            Map.entry("SIGTERM", 15), Map.entry("SIGSTKFLT", 16), Map.entry("SIGCHLD", 17), Map.entry("SIGCONT", 18),
            Map.entry("SIGSTOP", 19), Map.entry("SIGTSTP", 20), Map.entry("SIGTTIN", 21), Map.entry("SIGTTOU", 22),
            Map.entry("SIGURG", 23), Map.entry("SIGXCPU", 24), Map.entry("SIGXFSZ", 25), Map.entry("SIGVTALRM", 26),
            Map.entry("SIGPROF", 27), Map.entry("SIGWINCH", 28), Map.entry("SIGIO", 29), Map.entry("SIGPWR", 30),
            Map.entry("SIGSYS", 31));

    private Signals() {
    }

    /** SIGNAME for a name with or without the SIG prefix, or the number itself (1 to 64) as text. */
    static String normalize(String signal) {
        String s = signal.strip().toUpperCase(Locale.ROOT);
        if (s.chars().allMatch(Character::isDigit) && !s.isEmpty()) {
            int n = Integer.parseInt(s);
            if (n < 1 || n > 64) {
                throw new EngineException(EngineException.Kind.INVALID, "invalid signal: " + signal);
            }
            return s;
        }
        String name = s.startsWith("SIG") ? s : "SIG" + s;
        if (!NUMBERS.containsKey(name)) {
            throw new EngineException(EngineException.Kind.INVALID, "invalid signal: " + signal);
        }
        return name;
    }
}
