package dev.berth.cli.container;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.daemon.EngineException;
import dev.berth.daemon.client.EngineClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Small helpers for the container commands' API calls. */
final class Api {
    private Api() {
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Calls with no answer body; the daemon's error becomes "Error: …" with exit code 1 (Docker's for these commands). */
    static void post(EngineClient client, String path) {
        try {
            client.call("POST", path, null, Void.class);
        } catch (EngineException e) {
            throw new CommandFailure(e.getMessage(), ExitCodes.FAILURE);
        }
    }
}
