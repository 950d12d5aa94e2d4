package dev.berth.runtime.network;

import dev.berth.runtime.ContainerException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A bridge network like Docker's default "bridge": containers get an address on a Linux bridge, reach each other by
 * address and the outside through NAT, and can publish ports on the host.
 *
 * <p>Holds no open resources: everything lives in the kernel (bridge, veths, iptables rules) and in the state file
 * under {@link NetworkConfig#stateDir()}, so a daemon restart changes nothing and {@link #reconcile} cleans up after a
 * crash. Every resource a container gets is recorded before it is created, so a record always exists to find it.
 *
 * <p>Thread-safe, and safe against other processes using the same state directory.
 */
public final class BridgeNetwork {
    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final int MAX_PORT_PICKS = 20;

    private final NetworkConfig config;
    private final Ipv4Subnet subnet;
    private final int mtu;
    private final NetworkStateStore store;
    private final BridgeLinks links;
    private final BridgeFirewall firewall;

    private BridgeNetwork(NetworkConfig config, Ipv4Subnet subnet, int mtu, NetworkStateStore store) {
        this.config = config;
        this.subnet = subnet;
        this.mtu = mtu;
        this.store = store;
        this.links = new BridgeLinks(config.bridgeDevice());
        this.firewall = new BridgeFirewall(Iptables.host(), config.bridgeDevice());
    }

    /**
     * Opens the network, creating whatever is missing: the subnet choice, the bridge with the gateway address,
     * forwarding, and the firewall chains. Safe to call on every daemon start.
     */
    public static BridgeNetwork open(NetworkConfig config) {
        Objects.requireNonNull(config, "config");
        String bridge = config.bridgeDevice();
        NetworkStateStore store = new NetworkStateStore(config.stateDir(), config.name(), bridge);
        HostInterfaces host = HostInterfaces.read();
        host.link(bridge).filter(link -> !link.kind().equals("bridge")).ifPresent(link -> {
            throw new ContainerException("cannot use " + bridge + " for network " + config.name()
                    + ": a device of that name exists and is not a bridge");
        });
        NetworkState state = store.update(recorded -> recorded.withSubnet(decideSubnet(config, recorded, host).toString()));
        Ipv4Subnet subnet = Ipv4Subnet.parse(state.subnet());
        int mtu = host.link(bridge).map(HostInterfaces.Link::mtu).orElse(Math.min(1500, host.uplinkMtu()));
        new BridgeLinks(bridge).ensureBridge(host, subnet, mtu);
        Sysctl.ensure("net.ipv4.ip_forward", "1");
        Sysctl.ensureForInterface("ipv4", bridge, "route_localnet", "1"); // see BridgeFirewall: publishing on 127.0.0.1
        BridgeNetwork network = new BridgeNetwork(config, subnet, mtu, store);
        network.firewall.install(subnet);
        return network;
    }

    private static Ipv4Subnet decideSubnet(NetworkConfig config, NetworkState recorded, HostInterfaces host) {
        Ipv4Subnet requested = config.subnetCidr() == null ? null : Ipv4Subnet.parse(config.subnetCidr());
        Ipv4Subnet previous = recorded.subnet() == null ? null : Ipv4Subnet.parse(recorded.subnet());
        if (requested != null && previous != null && !requested.equals(previous) && !recorded.attachments().isEmpty()) {
            throw new ContainerException("network " + config.name() + " uses subnet " + previous + " and has "
                    + recorded.attachments().size() + " container(s) attached; it cannot move to " + requested);
        }
        Ipv4Subnet subnet = requested != null ? requested
                : previous != null ? previous
                : SubnetChooser.choose(host, config.bridgeDevice(), List.of());
        host.conflict(subnet, config.bridgeDevice()).ifPresent(conflict -> {
            throw new ContainerException("subnet " + subnet + " of network " + config.name() + " overlaps " + conflict
                    + " on this host; configure another subnet for the network");
        });
        return subnet;
    }

    public NetworkConfig config() {
        return config;
    }

    /** The subnet in CIDR form, e.g. "10.213.0.0/24". */
    public String subnetCidr() {
        return subnet.toString();
    }

    /** The bridge's address: every container's default gateway. */
    public String gateway() {
        return Ipv4Subnet.formatAddress(subnet.gateway());
    }

    /**
     * Connects a container whose process {@code containerPid} sits in a fresh, empty network namespace: gives it
     * eth0 with an address of the subnet, a default route through the bridge, lo, and publishes its ports.
     * All or nothing: on failure everything already made is released again.
     *
     * @param ports published ports; a host port of 0 is replaced by a free one
     * @throws ContainerException when the container is already attached, a host port is taken, the subnet is full,
     *                            the process is gone, or a host tool fails
     */
    public Attachment attach(String containerId, String containerName, int containerPid, List<PortMapping> ports) {
        requireContainerId(containerId);
        if (containerName == null || containerName.isBlank()) {
            throw new ContainerException("container " + containerId + " needs a name to join network " + config.name());
        }
        Objects.requireNonNull(ports, "ports");
        requireOwnNamespace(containerId, containerPid);
        String hostVeth = VethNames.hostVeth(containerId);
        NetworkState state = store.update(recorded -> {
            recorded.find(containerId).ifPresent(a -> {
                throw new ContainerException("container " + containerId + " is already attached to network "
                        + config.name() + " with address " + a.ipAddress());
            });
            recorded.attachments().stream().filter(a -> a.hostVeth().equals(hostVeth)).findFirst().ifPresent(a -> {
                throw new ContainerException("container " + containerId + " cannot join network " + config.name()
                        + ": its interface name " + hostVeth + " is taken by container " + a.containerId()
                        + " (their ids start alike)");
            });
            int address = nextFreeAddress(recorded);
            List<PortMapping> published = resolvePorts(ports, recorded.attachments());
            // Recorded before anything exists, so that after a crash at any later point the record finds it all.
            return recorded.with(new Attachment(containerId, containerName, Ipv4Subnet.formatAddress(address),
                    subnet.prefixLength(), gateway(), BridgeLinks.macAddress(address), hostVeth, published));
        });
        Attachment attachment = state.find(containerId).orElseThrow();
        try {
            // The DNAT rules do not need the interface to exist, so they are added while it is made.
            bothOrFail(() -> links.connect(attachment, containerPid, mtu), () -> firewall.publish(attachment));
            return attachment;
        } catch (RuntimeException e) {
            try {
                detach(containerId);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e instanceof ContainerException ce ? ce
                    : new ContainerException("attaching container " + containerId + " to network " + config.name()
                    + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Releases everything the container had on this network: published ports, veth pair, address. Idempotent; if
     * something cannot be released the record stays, so a later detach or {@link #reconcile} tries again.
     */
    public void detach(String containerId) {
        requireContainerId(containerId);
        NetworkState state = store.read();
        Attachment recorded = state.find(containerId).orElse(null);
        String hostVeth = recorded != null ? recorded.hostVeth() : VethNames.hostVeth(containerId);
        boolean vethOfAnother = state.attachments().stream()
                .anyMatch(a -> a.hostVeth().equals(hostVeth) && !a.containerId().equals(containerId));
        // Deleting a veth waits for the kernel (about 25 ms), so the rules go meanwhile.
        List<RuntimeException> failures = both(() -> firewall.unpublish(containerId, recorded), () -> {
            if (!vethOfAnother) {
                links.deleteVeth(hostVeth);
            }
        });
        if (failures.isEmpty()) {
            store.update(current -> current.without(containerId));
            return;
        }
        throw combined("detaching container " + containerId + " from network " + config.name(), failures);
    }

    /** Every container recorded on this network, for the engine's /etc/hosts files. */
    public List<Attachment> attachments() {
        return store.read().attachments();
    }

    /**
     * Releases whatever is on this network for containers not in {@code liveContainerIds}: recorded attachments,
     * and also unrecorded leftovers (Berth veths on the bridge, DNAT rules carrying an unknown id). Meant for daemon
     * start; an attach of a container missing from the set would be undone.
     */
    public void reconcile(Set<String> liveContainerIds) {
        Objects.requireNonNull(liveContainerIds, "liveContainerIds");
        List<RuntimeException> failures = new ArrayList<>();
        for (Attachment attachment : store.read().attachments()) {
            if (!liveContainerIds.contains(attachment.containerId())) {
                try {
                    detach(attachment.containerId());
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
        }
        // Listed before the state is read: whatever exists was recorded before it was made, so a record read
        // afterwards covers every resource an attach running meanwhile might have created.
        List<String> veths = links.vethsOnBridge();
        List<String> rules = firewall.dnatChainRules();
        List<Attachment> kept = store.read().attachments().stream()
                .filter(a -> liveContainerIds.contains(a.containerId())).toList();
        Set<String> keptIds = kept.stream().map(Attachment::containerId).collect(Collectors.toSet());
        Set<String> keptVeths = kept.stream().map(Attachment::hostVeth).collect(Collectors.toSet());
        List<String> strayRules = rules.stream()
                .filter(rule -> BridgeFirewall.owner(rule).filter(owner -> !keptIds.contains(owner)).isPresent())
                .toList();
        try {
            firewall.deleteRules(strayRules);
        } catch (RuntimeException e) {
            failures.add(e);
        }
        for (String veth : veths) {
            if (!keptVeths.contains(veth)) {
                try {
                    links.deleteVeth(veth);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
        }
        if (!failures.isEmpty()) {
            throw combined("cleaning up network " + config.name(), failures);
        }
    }

    /**
     * Removes the network from the host: its firewall chains, the bridge and the state file. Refuses while
     * containers are attached.
     */
    public void remove() {
        List<Attachment> attached = attachments();
        if (!attached.isEmpty()) {
            throw new ContainerException("network " + config.name() + " still has containers attached: "
                    + attached.stream().map(Attachment::name).collect(Collectors.joining(", ")));
        }
        firewall.uninstall();
        links.deleteBridge();
        store.delete();
    }

    /**
     * Fails if the mapping's host address and port cannot be bound right now.
     *
     * @throws ContainerException such as "port 127.0.0.1:8081 is already in use"
     */
    public static void checkHostPortFree(PortMapping port) {
        HostPorts.checkFree(port);
    }

    private int nextFreeAddress(NetworkState state) {
        Set<Integer> used = new HashSet<>();
        for (Attachment a : state.attachments()) {
            used.add(Ipv4Subnet.parseAddress(a.ipAddress(), "recorded address"));
        }
        long first = 2; // .0 is the network, .1 the gateway
        long last = subnet.size() - 2; // the last is broadcast
        long count = last - first + 1;
        long start = first;
        if (state.lastAddress() != null) {
            int lastAddress = Ipv4Subnet.parseAddress(state.lastAddress(), "recorded address");
            if (subnet.contains(lastAddress)) {
                start = subnet.offsetOf(lastAddress) + 1;
            }
        }
        for (long i = 0; i < count; i++) {
            long offset = first + Math.floorMod(start - first + i, count);
            int candidate = subnet.address(offset);
            if (!used.contains(candidate)) {
                return candidate;
            }
        }
        throw new ContainerException("network " + config.name() + " has no free address left in " + subnet + " ("
                + state.attachments().size() + " containers attached)");
    }

    private List<PortMapping> resolvePorts(List<PortMapping> requested, List<Attachment> attached) {
        List<PortMapping> resolved = new ArrayList<>();
        for (PortMapping port : requested) {
            Objects.requireNonNull(port, "port mapping");
            if (port.hostPort() == 0) {
                resolved.add(pickPort(port, attached, resolved));
                continue;
            }
            for (PortMapping earlier : resolved) {
                if (earlier.clashesWith(port)) {
                    throw new ContainerException("port " + port.hostSide() + " is published twice");
                }
            }
            for (Attachment other : attached) {
                for (PortMapping taken : other.ports()) {
                    if (taken.clashesWith(port)) {
                        throw new ContainerException("port " + port.hostSide() + " is already in use by container "
                                + other.name());
                    }
                }
            }
            HostPorts.checkFree(port);
            resolved.add(port);
        }
        return resolved;
    }

    private static PortMapping pickPort(PortMapping port, List<Attachment> attached, List<PortMapping> resolved) {
        for (int attempt = 0; attempt < MAX_PORT_PICKS; attempt++) {
            PortMapping candidate = port.withHostPort(HostPorts.pickFree(port));
            boolean clash = resolved.stream().anyMatch(candidate::clashesWith)
                    || attached.stream().flatMap(a -> a.ports().stream()).anyMatch(candidate::clashesWith);
            if (!clash) {
                return candidate;
            }
        }
        throw new ContainerException("found no free host port for container port " + port.containerPort() + "/"
                + port.protocol());
    }

    private static void requireContainerId(String containerId) {
        if (containerId == null || !CONTAINER_ID.matcher(containerId).matches()) {
            throw new ContainerException("container id '" + containerId + "' is not valid: use up to 128 letters, "
                    + "digits, '_', '.' or '-'");
        }
    }

    // Wiring the host's own namespace would put a second eth0 beside the host's interfaces: refuse it.
    private static void requireOwnNamespace(String containerId, int pid) {
        Path namespace = Path.of("/proc", Integer.toString(pid), "ns", "net");
        try {
            if (pid <= 0 || !Files.exists(namespace)) {
                throw new ContainerException("process " + pid + " of container " + containerId
                        + " does not exist; has the container exited?");
            }
            if (Files.readSymbolicLink(namespace).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")))) {
                throw new ContainerException("process " + pid + " of container " + containerId
                        + " shares the host's network namespace; it needs its own");
            }
        } catch (IOException e) {
            throw new ContainerException("cannot inspect the network namespace of process " + pid + ": "
                    + e.getMessage(), e);
        }
    }

    /** Runs both steps at once and returns their failures, none if both succeeded. */
    private static List<RuntimeException> both(Runnable first, Runnable second) {
        CompletableFuture<Void> background = CompletableFuture.runAsync(second, Thread::startVirtualThread);
        List<RuntimeException> failures = new ArrayList<>();
        try {
            first.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        try {
            background.join();
        } catch (CompletionException e) {
            failures.add(e.getCause() instanceof RuntimeException cause ? cause : e);
        }
        return failures;
    }

    private static void bothOrFail(Runnable first, Runnable second) {
        List<RuntimeException> failures = both(first, second);
        if (!failures.isEmpty()) {
            RuntimeException failure = failures.getFirst();
            failures.stream().skip(1).forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private static ContainerException combined(String what, List<RuntimeException> failures) {
        String reasons = failures.stream().map(Throwable::getMessage).collect(Collectors.joining("; "));
        ContainerException combined = new ContainerException(what + " failed: " + reasons, failures.getFirst());
        failures.stream().skip(1).forEach(combined::addSuppressed);
        return combined;
    }
}
