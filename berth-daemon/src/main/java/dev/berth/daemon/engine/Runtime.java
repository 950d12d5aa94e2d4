package dev.berth.daemon.engine;

import dev.berth.daemon.EngineException;
import dev.berth.runtime.ContainerException;
import dev.berth.runtime.monitor.Conmon;
import dev.berth.runtime.monitor.Runc;
import dev.berth.runtime.network.BridgeNetwork;
import dev.berth.runtime.network.NetworkConfig;

/**
 * The engine's handles on the host: runc, conmon and the bridge network, each found or opened on first use, so an
 * engine that only lists containers never needs them and a missing tool is reported when it is needed.
 */
final class Runtime {
    private final EnginePaths paths;
    private volatile Runc runc;
    private volatile Conmon conmon;
    private volatile BridgeNetwork bridge;

    Runtime(EnginePaths paths) {
        this.paths = paths;
    }

    Runc runc() {
        Runc r = runc;
        if (r == null) {
            synchronized (this) {
                if (runc == null) {
                    runc = Runc.find(paths.runcRoot());
                }
                r = runc;
            }
        }
        return r;
    }

    Conmon conmon() {
        Conmon c = conmon;
        if (c == null) {
            synchronized (this) {
                if (conmon == null) {
                    conmon = Conmon.find(runc());
                }
                c = conmon;
            }
        }
        return c;
    }

    BridgeNetwork bridge() {
        BridgeNetwork b = bridge;
        if (b == null) {
            synchronized (this) {
                if (bridge == null) {
                    bridge = BridgeNetwork.open(bridgeConfig(paths.root()));
                }
                b = bridge;
            }
        }
        return b;
    }

    /** The bridge network when it has been opened (or has state on disk to reconcile), else null. */
    BridgeNetwork bridgeIfUsed() {
        if (bridge != null) {
            return bridge;
        }
        if (java.nio.file.Files.exists(bridgeConfig(paths.root()).stateDir())) {
            return bridge();
        }
        return null;
    }

    /**
     * The bridge of this root: berth0 for the built-in root (/var/lib/berth), otherwise a device named from a hash of
     * the root's path, so that two Berth roots on one host (a test's and the user's) never share a bridge.
     */
    static NetworkConfig bridgeConfig(java.nio.file.Path root) {
        NetworkConfig base = NetworkConfig.defaultBridge(root);
        if (root.toAbsolutePath().normalize().equals(java.nio.file.Path.of("/var/lib/berth"))) {
            return base;
        }
        return new NetworkConfig(base.name(), "berth" + EnginePaths.shortHash(root.toAbsolutePath().normalize().toString())
                .substring(0, 8), null, base.stateDir());
    }

    void signal(String id, String signal, boolean all) {
        try {
            runc().kill(id, signal, all);
        } catch (ContainerException e) {
            throw new EngineException("cannot send " + signal + " to container " + id + ": " + e.getMessage(), e);
        }
    }

    void signalQuietly(String id, String signal, boolean all) {
        try {
            runc().kill(id, signal, all);
        } catch (ContainerException ignored) {
            // already gone
        }
    }
}
