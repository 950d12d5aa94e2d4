package dev.berth.model.server;

import dev.berth.model.oip.JsonBuffer;
import dev.berth.model.oip.ProtocolJson;
import java.io.PrintStream;
import java.time.Instant;
import tools.jackson.core.JsonGenerator;

/**
 * Structured logs: one JSON object per line, {@code {"time":…,"level":…,"event":…, …}}, written whole so lines from
 * several threads never interleave. Log collectors (and {@code berth logs | jq}) read them without guessing a format.
 */
public final class EventLog {
    private final PrintStream out;

    public EventLog(PrintStream out) {
        this.out = out;
    }

    /** Lines to the process's standard error, where a container's log driver collects them. */
    public static EventLog stderr() {
        return new EventLog(System.err);
    }

    /** Logs an event with key/value pairs: {@code info("model_loaded", "model", "iris", "millis", 12)}. */
    public void info(String event, Object... keyValues) {
        write("info", event, keyValues);
    }

    public void warn(String event, Object... keyValues) {
        write("warn", event, keyValues);
    }

    public void error(String event, Object... keyValues) {
        write("error", event, keyValues);
    }

    private void write(String level, String event, Object[] keyValues) {
        JsonBuffer buf = new JsonBuffer();
        try (JsonGenerator g = ProtocolJson.generator(buf)) {
            g.writeStartObject();
            g.writeStringProperty("time", Instant.now().toString());
            g.writeStringProperty("level", level);
            g.writeStringProperty("event", event);
            for (int i = 0; i + 1 < keyValues.length; i += 2) {
                g.writeName(String.valueOf(keyValues[i]));
                ProtocolJson.value(g, keyValues[i + 1]);
            }
            g.writeEndObject();
        }
        buf.write('\n');
        byte[] line = buf.toByteArray();
        synchronized (out) {
            out.write(line, 0, line.length);
            out.flush();
        }
    }
}
