package dev.berth.daemon.engine;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.api.ContainerInspect;
import dev.berth.daemon.api.CreateRequest;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.ImageConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The container's effective configuration: the image config with the request's overrides, by Docker's rules.
 * ENTRYPOINT and CMD: an entrypoint given on the command line replaces the image's and drops the image's CMD; a
 * command given replaces the image's CMD; the process is entrypoint followed by command. Env: the image's, then the
 * request's, a later value for the same name winning; PATH is added when the image has none.
 */
final class ConfigMerger {
    static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ConfigMerger() {
    }

    static ContainerInspect.Config merge(ImageConfig image, CreateRequest request, String imageName, String hostname) {
        ContainerConfig ic = image.config() == null ? ContainerConfig.EMPTY : image.config();
        List<String> entrypoint;
        List<String> cmd;
        if (request.entrypoint() != null) {
            entrypoint = request.entrypoint().equals(List.of("")) ? List.of() : List.copyOf(request.entrypoint());
            cmd = request.cmd() == null ? List.of() : List.copyOf(request.cmd());
        } else {
            entrypoint = ic.entrypoint() == null ? List.of() : ic.entrypoint();
            cmd = request.cmd() != null && !request.cmd().isEmpty() ? List.copyOf(request.cmd())
                    : ic.cmd() == null ? List.of() : ic.cmd();
        }
        if (entrypoint.isEmpty() && cmd.isEmpty()) {
            throw new EngineException(EngineException.Kind.INVALID, "no command specified: the image " + imageName
                    + " has no ENTRYPOINT or CMD, and none was given");
        }
        List<String> env = mergeEnv(ic.env(), request.env());
        String workingDir = request.workingDir() != null && !request.workingDir().isEmpty() ? request.workingDir()
                : ic.workingDir() == null || ic.workingDir().isEmpty() ? "" : ic.workingDir();
        if (!workingDir.isEmpty() && !workingDir.startsWith("/")) {
            throw new EngineException(EngineException.Kind.INVALID, "the working directory '" + workingDir
                    + "' is invalid: it needs to be an absolute path");
        }
        String user = request.user() != null && !request.user().isEmpty() ? request.user() : ic.user() == null ? "" : ic.user();
        Map<String, String> labels = new TreeMap<>();
        if (ic.labels() != null) {
            labels.putAll(ic.labels());
        }
        if (request.labels() != null) {
            labels.putAll(request.labels());
        }
        Map<String, Map<String, Object>> exposed = new TreeMap<>();
        if (ic.exposedPorts() != null) {
            exposed.putAll(ic.exposedPorts());
        }
        if (request.exposedPorts() != null) {
            exposed.putAll(request.exposedPorts());
        }
        String stopSignal = request.stopSignal() != null && !request.stopSignal().isEmpty() ? request.stopSignal()
                : ic.stopSignal() != null && !ic.stopSignal().isEmpty() ? ic.stopSignal() : "SIGTERM";
        ContainerConfig.HealthConfig health = request.healthcheck() != null ? request.healthcheck() : ic.healthcheck();
        if (health != null && (health.test() == null || health.test().isEmpty() || health.test().getFirst().equals("NONE"))) {
            health = null;
        }
        return new ContainerInspect.Config(hostname, user, env, cmd, entrypoint, imageName, workingDir, labels, exposed,
                stopSignal, request.stopTimeout(), health);
    }

    static List<String> mergeEnv(List<String> image, List<String> request) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (List<String> source : java.util.Arrays.asList(image, request)) {
            if (source == null) {
                continue;
            }
            for (String entry : source) {
                int eq = entry.indexOf('=');
                if (eq <= 0) {
                    if (eq == 0 || entry.isEmpty()) {
                        throw new EngineException(EngineException.Kind.INVALID, "invalid environment variable '" + entry + "'");
                    }
                    byName.remove(entry); // a bare name the client could not resolve: unset, as Docker does
                    continue;
                }
                byName.put(entry.substring(0, eq), entry);
            }
        }
        List<String> env = new ArrayList<>(byName.values());
        if (!byName.containsKey("PATH")) {
            env.addFirst(DEFAULT_PATH);
        }
        return env;
    }
}
