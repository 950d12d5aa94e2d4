package dev.berth.daemon.engine;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.daemon.api.ContainerState;
import java.util.List;

/**
 * A container's changing state, rewritten atomically on every change ({@code containers/ID/state.json}). Everything
 * a running container holds is recorded here before it is taken, so that a daemon restarted after a crash can find
 * and release it.
 *
 * @param monitorPid conmon's PID while the container runs
 * @param mounted whether the root filesystem is mounted
 * @param network the bridge attachment, when there is one
 * @param manuallyStopped stopped by the user: "unless-stopped" then keeps it stopped across daemon restarts
 */
public record StoredState(
        @JsonProperty("State") ContainerState state,
        @JsonProperty("RestartCount") int restartCount,
        @JsonProperty("MonitorPid") int monitorPid,
        @JsonProperty("Mounted") boolean mounted,
        @JsonProperty("Network") NetworkInfo network,
        @JsonProperty("ManuallyStopped") boolean manuallyStopped) {

    /** The bridge attachment, in the engine's words (what inspect and /etc/hosts need). */
    public record NetworkInfo(@JsonProperty("IPAddress") String ipAddress, @JsonProperty("PrefixLen") int prefixLen,
                              @JsonProperty("Gateway") String gateway, @JsonProperty("MacAddress") String macAddress,
                              @JsonProperty("Ports") List<PublishedPort> ports) {
    }

    public record PublishedPort(@JsonProperty("HostIp") String hostIp, @JsonProperty("HostPort") int hostPort,
                                @JsonProperty("ContainerPort") int containerPort, @JsonProperty("Protocol") String protocol) {
    }

    public StoredState withState(ContainerState s) {
        return new StoredState(s, restartCount, monitorPid, mounted, network, manuallyStopped);
    }

    public StoredState withRestartCount(int n) {
        return new StoredState(state, n, monitorPid, mounted, network, manuallyStopped);
    }

    public StoredState withMonitorPid(int pid) {
        return new StoredState(state, restartCount, pid, mounted, network, manuallyStopped);
    }

    public StoredState withMounted(boolean m) {
        return new StoredState(state, restartCount, monitorPid, m, network, manuallyStopped);
    }

    public StoredState withNetwork(NetworkInfo n) {
        return new StoredState(state, restartCount, monitorPid, mounted, n, manuallyStopped);
    }

    public StoredState withManuallyStopped(boolean m) {
        return new StoredState(state, restartCount, monitorPid, mounted, network, m);
    }
}
