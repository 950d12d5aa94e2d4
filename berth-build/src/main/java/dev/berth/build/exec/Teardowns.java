package dev.berth.build.exec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The undo actions of everything a build has set up and not yet taken down (mounts, runc containers, temporary
 * directories), so that an interrupted build (Ctrl-C: the JVM's shutdown hook calls {@link #cancelAll}) leaves none
 * of them behind. Each owner removes its action when it cleaned up by itself.
 */
public final class Teardowns {
    private final Map<Object, Runnable> actions = new LinkedHashMap<>();
    private boolean cancelled;

    /** Registers the undo action of {@code owner}; after {@link #cancelAll} it runs at once instead. */
    public void add(Object owner, Runnable action) {
        boolean runNow;
        synchronized (this) {
            runNow = cancelled;
            if (!runNow) {
                actions.put(owner, action);
            }
        }
        if (runNow) {
            action.run();
        }
    }

    public synchronized void remove(Object owner) {
        actions.remove(owner);
    }

    public synchronized boolean cancelled() {
        return cancelled;
    }

    /** Runs every registered action, newest first, once each; later registrations run immediately. */
    public void cancelAll() {
        List<Runnable> todo;
        synchronized (this) {
            cancelled = true;
            todo = new ArrayList<>(actions.values());
            actions.clear();
        }
        for (Runnable r : todo.reversed()) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // best effort while shutting down: go on with the rest
            }
        }
    }
}
