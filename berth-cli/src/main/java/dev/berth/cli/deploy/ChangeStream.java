package dev.berth.cli.deploy;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.daemon.EngineException;
import dev.berth.daemon.client.EngineClient;
import dev.berth.daemon.deploy.DeploymentStatus;
import dev.berth.oci.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;

/**
 * Sends a deployment change (deploy, rollback, removal) and follows the daemon's stream of JSON lines: each step is
 * printed to stderr as it happens (stdout stays for the result, so scripts can read it), the last line is the result.
 */
final class ChangeStream {
    private ChangeStream() {
    }

    /** The stream's last line; a refusal or a failure becomes a CommandFailure with the daemon's message (exit 1). */
    static JsonNode send(EngineClient client, String method, String path, Object body, PrintWriter err) {
        try (EngineClient.Response r = client.send(method, path, body)) {
            if (r.status >= 400) {
                EngineClient.check(r, r.readAll());
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(r.body, StandardCharsets.UTF_8));
            JsonNode last = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = Json.tree(line.getBytes(StandardCharsets.UTF_8), "the daemon's answer to " + method + " " + path);
                if (node.has("step")) {
                    err.println(node.path("step").asString());
                    err.flush();
                } else {
                    last = node;
                }
            }
            if (last == null) {
                throw new CommandFailure("the daemon ended " + method + " " + path + " without a result; see `berth deployments`",
                        ExitCodes.BERTH_FAILED);
            }
            if (last.has("error")) {
                throw new CommandFailure(last.path("error").asString(), ExitCodes.FAILURE);
            }
            return last;
        } catch (EngineException e) {
            throw new CommandFailure(e.getMessage(), ExitCodes.FAILURE);
        } catch (IOException e) {
            throw new CommandFailure("cannot talk to the Berth daemon at " + client.socket() + ": " + e.getMessage(),
                    ExitCodes.BERTH_FAILED);
        }
    }

    static DeploymentStatus deployment(JsonNode last) {
        return Json.mapper().treeToValue(last.path("deployment"), DeploymentStatus.class);
    }
}
