package dev.berth.daemon.deploy;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One replica container of a deployment, as the proxy sees it: where it answers, and how many requests it is serving
 * now, so that it can be drained (taken out of the pool, then waited for) before it is stopped.
 */
final class Replica {
    final String containerId;
    final String containerName;
    final int revision;
    final String ip;
    final int port;
    final AtomicInteger inFlight = new AtomicInteger();
    /** In the pool: new requests may be sent to it. Read after {@link #inFlight} is raised, see {@link ReplicaPool}. */
    volatile boolean inPool;

    Replica(String containerId, String containerName, int revision, String ip, int port) {
        this.containerId = containerId;
        this.containerName = containerName;
        this.revision = revision;
        this.ip = ip;
        this.port = port;
    }

    String shortId() {
        return containerId.substring(0, 12);
    }

    @Override
    public String toString() {
        return containerName + " (" + ip + ":" + port + ", revision " + revision + ")";
    }
}
