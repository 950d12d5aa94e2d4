package dev.berth.daemon.engine;

import dev.berth.daemon.api.ContainerInspect;
import dev.berth.daemon.api.ContainerState;
import dev.berth.daemon.api.ContainerSummary;
import dev.berth.daemon.api.HostConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The API's views of a container: Docker's inspect document and ps row. */
final class Views {
    private Views() {
    }

    static ContainerInspect inspect(Container c) {
        ContainerRecord r = c.record;
        StoredState s = c.state();
        StoredState.NetworkInfo net = s.network();
        Map<String, List<HostConfig.PortBinding>> ports = new TreeMap<>();
        if (r.config().exposedPorts() != null) {
            for (String port : r.config().exposedPorts().keySet()) {
                ports.put(port, null);
            }
        }
        if (net != null) {
            for (StoredState.PublishedPort p : net.ports()) {
                // exposed-only ports map to null, which computeIfAbsent replaces like an absent key
                ports.computeIfAbsent(p.containerPort() + "/" + p.protocol(), k -> new ArrayList<>()).add(new HostConfig.PortBinding(p.hostIp().isEmpty() ? "0.0.0.0" : p.hostIp(), Integer.toString(p.hostPort())));
            }
        }
        Map<String, ContainerInspect.EndpointSettings> networks = new TreeMap<>();
        String mode = r.hostConfig().networkMode();
        networks.put(mode, net == null ? new ContainerInspect.EndpointSettings("", 0, "", "", List.of())
                : new ContainerInspect.EndpointSettings(net.ipAddress(), net.prefixLen(), net.gateway(), net.macAddress(),
                        List.of(r.name(), r.id().substring(0, 12))));
        ContainerInspect.NetworkSettings settings = new ContainerInspect.NetworkSettings(ports,
                net == null ? "" : net.ipAddress(), net == null ? 0 : net.prefixLen(), net == null ? "" : net.gateway(),
                net == null ? "" : net.macAddress(), networks);
        List<ContainerInspect.MountPoint> mounts = new ArrayList<>();
        for (String bind : r.hostConfig().binds()) {
            String[] parts = bind.split(":");
            boolean ro = parts.length == 3 && List.of(parts[2].split(",")).contains("ro");
            mounts.add(new ContainerInspect.MountPoint("bind", parts[0], parts[1], !ro));
        }
        for (String dst : new TreeMap<>(r.hostConfig().tmpfs()).keySet()) {
            mounts.add(new ContainerInspect.MountPoint("tmpfs", "", dst, true));
        }
        return new ContainerInspect(r.id(), r.created(), r.path(), r.args(), s.state(), r.imageId(),
                c.files.resolvConf().toString(), c.files.hostname().toString(), c.files.hosts().toString(),
                c.files.log().toString(), "/" + r.name(), s.restartCount(), "overlay", r.config(), r.hostConfig(), settings, mounts);
    }

    static ContainerSummary summary(Container c) {
        ContainerRecord r = c.record;
        StoredState s = c.state();
        List<ContainerSummary.Port> ports = new ArrayList<>();
        if (s.network() != null) {
            for (StoredState.PublishedPort p : s.network().ports()) {
                ports.add(new ContainerSummary.Port(p.hostIp().isEmpty() ? "0.0.0.0" : p.hostIp(), p.containerPort(), p.hostPort(), p.protocol()));
            }
        }
        return new ContainerSummary(r.id(), List.of("/" + r.name()), r.image(), r.imageId(), command(r),
                Instant.parse(r.created()).getEpochSecond(), s.state().status(), statusText(s), ports, r.config().labels());
    }

    /** Docker's ps command column: the argv joined, quoted as Docker shows it. */
    static String command(ContainerRecord r) {
        return String.join(" ", r.argv());
    }

    /** "Up 3 minutes (healthy)", "Exited (0) 5 seconds ago", "Created", "Restarting (1) 2 seconds ago". */
    static String statusText(StoredState s) {
        ContainerState st = s.state();
        Instant now = Instant.now();
        return switch (st.status()) {
            case "running" -> "Up " + human(Duration.between(Times.parse(st.startedAt()), now))
                    + (st.health() == null ? "" : " (" + (st.health().status().equals("starting") ? "health: starting" : st.health().status()) + ")");
            case "exited" -> "Exited (" + st.exitCode() + ") " + (Times.parse(st.finishedAt()) == null ? ""
                    : human(Duration.between(Times.parse(st.finishedAt()), now)) + " ago");
            case "restarting" -> "Restarting (" + st.exitCode() + ") " + (Times.parse(st.finishedAt()) == null ? ""
                    : human(Duration.between(Times.parse(st.finishedAt()), now)) + " ago");
            case "created" -> "Created";
            default -> st.status();
        };
    }

    static String human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 1) {
            return "Less than a second";
        }
        if (s < 60) {
            return s + (s == 1 ? " second" : " seconds");
        }
        long m = s / 60;
        if (m < 60) {
            return m == 1 ? "About a minute" : m + " minutes";
        }
        long h = m / 60;
        if (h < 48) {
            return h == 1 ? "About an hour" : h + " hours";
        }
        return (h / 24) + " days";
    }
}
