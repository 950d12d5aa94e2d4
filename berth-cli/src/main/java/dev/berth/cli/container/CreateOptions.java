package dev.berth.cli.container;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.daemon.api.CreateRequest;
import dev.berth.daemon.api.HostConfig;
import dev.berth.oci.image.ContainerConfig.HealthConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options {@code berth run} and {@code berth create} share, with Docker's names and meanings. */
final class CreateOptions {
    @Option(names = "--name", paramLabel = "NAME", description = "Assign a name to the container.")
    String name;
    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable (KEY alone takes this shell's value).")
    List<String> env = new ArrayList<>();
    @Option(names = "--env-file", paramLabel = "FILE", description = "Read environment variables from a file.")
    List<Path> envFiles = new ArrayList<>();
    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Working directory inside the container.")
    String workdir;
    @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]", description = "User (name or UID) and group.")
    String user;
    @Option(names = "--entrypoint", paramLabel = "CMD", description = "Overwrite the image's ENTRYPOINT.")
    String entrypoint;
    @Option(names = {"-h", "--hostname"}, paramLabel = "NAME", description = "Container host name.")
    String hostname;
    @Option(names = {"-p", "--publish"}, paramLabel = "[IP:]HOSTPORT:PORT[/tcp]", description = "Publish a container's port on the host.")
    List<String> publish = new ArrayList<>();
    @Option(names = {"-v", "--volume"}, paramLabel = "SRC:DST[:ro]", description = "Bind mount a host path.")
    List<String> volumes = new ArrayList<>();
    @Option(names = "--tmpfs", paramLabel = "DST[:OPTIONS]", description = "Mount a tmpfs.")
    List<String> tmpfs = new ArrayList<>();
    @Option(names = "--read-only", description = "Mount the container's root filesystem read-only.")
    boolean readOnly;
    @Option(names = {"-m", "--memory"}, paramLabel = "BYTES", description = "Memory limit (e.g. 256m).")
    String memory;
    @Option(names = "--cpus", paramLabel = "N", description = "Number of CPUs (e.g. 1.5).")
    String cpus;
    @Option(names = "--pids-limit", paramLabel = "N", description = "Maximum number of processes (-1 unlimited).")
    Long pidsLimit;
    @Option(names = {"--network", "--net"}, paramLabel = "none|host|bridge", description = "Network (default bridge).")
    String network;
    @Option(names = "--restart", paramLabel = "POLICY", description = "no, on-failure[:N], always or unless-stopped.")
    String restart;
    @Option(names = "--health-cmd", paramLabel = "CMD", description = "Command to check health.")
    String healthCmd;
    @Option(names = "--health-interval", paramLabel = "DURATION", description = "Time between checks (default 30s).")
    String healthInterval;
    @Option(names = "--health-retries", paramLabel = "N", description = "Consecutive failures to report unhealthy (default 3).")
    Integer healthRetries;
    @Option(names = "--health-timeout", paramLabel = "DURATION", description = "Maximum time a check may take (default 30s).")
    String healthTimeout;
    @Option(names = "--health-start-period", paramLabel = "DURATION", description = "Start-up time during which failures do not count.")
    String healthStartPeriod;
    @Option(names = "--no-healthcheck", description = "Disable the image's health check.")
    boolean noHealthcheck;
    @Option(names = "--stop-timeout", paramLabel = "SECONDS", description = "Seconds to wait after the stop signal before SIGKILL.")
    Integer stopTimeout;
    @Option(names = "--stop-signal", paramLabel = "SIGNAL", description = "Signal to stop the container.")
    String stopSignal;
    @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "Set a label.")
    List<String> labels = new ArrayList<>();
    @Option(names = "--log-opt", paramLabel = "KEY=VALUE", description = "Log options: max-size, max-file.")
    List<String> logOpts = new ArrayList<>();
    @Option(names = "--security-opt", paramLabel = "OPT", description = "Security options (no-new-privileges).")
    List<String> securityOpts = new ArrayList<>();
    @Option(names = "--rm", description = "Remove the container when it exits.")
    boolean rm;

    @Parameters(index = "0", paramLabel = "IMAGE")
    String image;
    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "Command and arguments.")
    List<String> command = new ArrayList<>();

    CreateRequest toRequest() {
        List<String> environment = new ArrayList<>();
        for (Path file : envFiles) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String t = line.strip();
                    if (!t.isEmpty() && !t.startsWith("#")) {
                        environment.add(resolveEnv(t));
                    }
                }
            } catch (IOException e) {
                throw new CommandFailure("cannot read env file " + file + ": " + e.getMessage(), ExitCodes.BERTH_FAILED);
            }
        }
        for (String e : env) {
            environment.add(resolveEnv(e));
        }
        Map<String, String> labelMap = new TreeMap<>();
        for (String l : labels) {
            int eq = l.indexOf('=');
            labelMap.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
        }
        Map<String, List<HostConfig.PortBinding>> bindings = new TreeMap<>();
        Map<String, Map<String, Object>> exposed = new TreeMap<>();
        for (String p : publish) {
            Publish pub = Publish.parse(p);
            bindings.computeIfAbsent(pub.containerPort() + "/" + pub.protocol(), k -> new ArrayList<>())
                    .add(new HostConfig.PortBinding(pub.hostIp(), pub.hostPort()));
            exposed.put(pub.containerPort() + "/" + pub.protocol(), Map.of());
        }
        Map<String, String> tmpfsMap = new LinkedHashMap<>();
        for (String t : tmpfs) {
            int colon = t.indexOf(':');
            tmpfsMap.put(colon < 0 ? t : t.substring(0, colon), colon < 0 ? "" : t.substring(colon + 1));
        }
        Map<String, String> logConfig = new TreeMap<>();
        for (String o : logOpts) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw Flags.bad("--log-opt", o, "KEY=VALUE");
            }
            logConfig.put(o.substring(0, eq), o.substring(eq + 1));
        }
        HostConfig host = new HostConfig(volumes, tmpfsMap, readOnly, memory == null ? 0 : Flags.bytes("--memory", memory),
                cpus == null ? 0 : Flags.nanoCpus(cpus), pidsLimit, network, bindings, restartPolicy(), rm,
                new HostConfig.LogConfig("k8s-file", logConfig), securityOpts);
        return new CreateRequest(image, command.isEmpty() ? null : command,
                entrypoint == null ? null : List.of(entrypoint), environment, workdir, user, hostname, labelMap,
                exposed.isEmpty() ? null : exposed, health(), stopSignal, stopTimeout, host);
    }

    private HostConfig.RestartPolicy restartPolicy() {
        if (restart == null || restart.isEmpty()) {
            return HostConfig.RestartPolicy.NO;
        }
        int colon = restart.indexOf(':');
        String policy = colon < 0 ? restart : restart.substring(0, colon);
        int max = 0;
        if (colon >= 0) {
            try {
                max = Integer.parseInt(restart.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw Flags.bad("--restart", restart, "no, on-failure[:max-retries], always or unless-stopped");
            }
        }
        return new HostConfig.RestartPolicy(policy, max);
    }

    private HealthConfig health() {
        if (noHealthcheck) {
            return new HealthConfig(List.of("NONE"), null, null, null, null, null);
        }
        if (healthCmd == null && healthInterval == null && healthRetries == null && healthTimeout == null) {
            return null;
        }
        if (healthCmd == null) {
            throw new CommandFailure("--health-interval, --health-retries and --health-timeout need --health-cmd",
                    ExitCodes.BERTH_FAILED);
        }
        if (healthRetries != null && healthRetries < 0) {
            throw Flags.bad("--health-retries", healthRetries.toString(), "a number of at least 0");
        }
        return new HealthConfig(List.of("CMD-SHELL", healthCmd),
                healthInterval == null ? null : Flags.durationNanos("--health-interval", healthInterval),
                healthTimeout == null ? null : Flags.durationNanos("--health-timeout", healthTimeout),
                healthStartPeriod == null ? null : Flags.durationNanos("--health-start-period", healthStartPeriod),
                null, healthRetries);
    }

    private static String resolveEnv(String entry) {
        if (entry.indexOf('=') >= 0) {
            return entry;
        }
        String value = System.getenv(entry);
        return value == null ? entry : entry + "=" + value;
    }

    /** {@code -p [IP:][HOSTPORT:]PORT[/PROTO]}. */
    record Publish(String hostIp, String hostPort, int containerPort, String protocol) {
        static Publish parse(String spec) {
            String s = spec;
            String proto = "tcp";
            int slash = s.lastIndexOf('/');
            if (slash >= 0) {
                proto = s.substring(slash + 1);
                s = s.substring(0, slash);
            }
            String[] parts = s.split(":", -1);
            String ip = "";
            String hostPort = "";
            String port;
            switch (parts.length) {
                case 1 -> port = parts[0];
                case 2 -> {
                    hostPort = parts[0];
                    port = parts[1];
                }
                case 3 -> {
                    ip = parts[0];
                    hostPort = parts[1];
                    port = parts[2];
                }
                default -> throw Flags.bad("--publish", spec, "[IP:]HOSTPORT:PORT[/tcp]");
            }
            int p;
            try {
                p = Integer.parseInt(port);
                if (p < 1 || p > 65535 || (!hostPort.isEmpty() && (Integer.parseInt(hostPort) < 0 || Integer.parseInt(hostPort) > 65535))) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw Flags.bad("--publish", spec, "[IP:]HOSTPORT:PORT[/tcp] with ports from 1 to 65535");
            }
            if (!proto.equals("tcp") && !proto.equals("udp")) {
                throw Flags.bad("--publish", spec, "protocol tcp or udp");
            }
            return new Publish(ip, hostPort, p, proto);
        }
    }
}
