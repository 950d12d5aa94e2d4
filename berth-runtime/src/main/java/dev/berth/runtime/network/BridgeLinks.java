package dev.berth.runtime.network;

import dev.berth.oci.json.Json;
import dev.berth.runtime.ContainerException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The interfaces of one bridge network, made with {@code ip -batch} so that each step is one process: the bridge
 * itself, and per container a veth pair whose host end joins the bridge and whose other end becomes eth0 inside the
 * container's network namespace.
 */
final class BridgeLinks {
    private final String bridge;

    BridgeLinks(String bridge) {
        this.bridge = bridge;
    }

    /** Creates the bridge if needed, gives it the gateway address if it lacks it, and brings it up. */
    void ensureBridge(HostInterfaces host, Ipv4Subnet subnet, int mtu) {
        StringBuilder batch = new StringBuilder();
        var existing = host.link(bridge);
        if (existing.isEmpty()) {
            // A fixed MAC: otherwise the bridge takes the lowest MAC of its ports and changes it as containers come
            // and go, which breaks the neighbours' ARP entries for the gateway.
            batch.append("link add ").append(bridge).append(" mtu ").append(mtu)
                    .append(" address ").append(macAddress(subnet.gateway())).append(" type bridge\n");
        }
        boolean hasGateway = existing.isPresent() && existing.get().addresses().contains(subnet.gateway());
        if (!hasGateway) {
            batch.append("addr add ").append(Ipv4Subnet.formatAddress(subnet.gateway())).append('/')
                    .append(subnet.prefixLength()).append(" dev ").append(bridge).append('\n');
        }
        batch.append("link set ").append(bridge).append(" up\n");
        HostCommand.run("setting up bridge " + bridge, batch.toString(), List.of("ip", "-batch", "-"));
    }

    void deleteBridge() {
        HostCommand.Result result = HostCommand.attempt(null, List.of("ip", "link", "del", bridge));
        if (!result.succeeded() && !missingDevice(result)) {
            throw new ContainerException("removing bridge " + bridge + " failed: " + result.reason());
        }
    }

    /**
     * Wires the container: a veth pair is created with its peer directly inside the container's namespace (named
     * eth0, with the attachment's MAC), the host end joins the bridge, then inside the namespace the address, the
     * default route, and lo.
     */
    void connect(Attachment attachment, int containerPid, int mtu) {
        String hostVeth = attachment.hostVeth();
        String host = "link add " + hostVeth + " mtu " + mtu + " type veth peer name eth0 address "
                + attachment.macAddress() + " mtu " + mtu + " netns " + containerPid + "\n"
                + "link set " + hostVeth + " master " + bridge + "\n"
                // hairpin: a container reaching its own published port has its packets sent back out of its port
                + "link set dev " + hostVeth + " type bridge_slave hairpin on\n"
                + "link set " + hostVeth + " up\n";
        HostCommand.run("creating interface " + hostVeth + " for container " + attachment.containerId(), host,
                List.of("ip", "-batch", "-"));
        String inside = "addr add " + attachment.ipAddress() + "/" + attachment.prefixLength() + " dev eth0\n"
                + "link set lo up\n"
                + "link set eth0 up\n"
                + "route add default via " + attachment.gateway() + " dev eth0\n";
        HostCommand.run("configuring eth0 of container " + attachment.containerId(), inside,
                List.of("nsenter", "--net=/proc/" + containerPid + "/ns/net", "ip", "-batch", "-"));
    }

    /**
     * Deletes the host end of a veth pair, which destroys its peer too; a device that is already gone (the
     * container's namespace died and took the pair with it) is fine.
     */
    void deleteVeth(String hostVeth) {
        HostCommand.Result result = HostCommand.attempt(null, List.of("ip", "link", "del", hostVeth));
        if (!result.succeeded() && !missingDevice(result)) {
            throw new ContainerException("removing interface " + hostVeth + " failed: " + result.reason());
        }
    }

    /** Names of Berth veths ("bv...") currently enslaved to this bridge. */
    List<String> vethsOnBridge() {
        HostCommand.Result result = HostCommand.attempt(null, List.of("ip", "-j", "link", "show", "master", bridge));
        if (!result.succeeded()) {
            if (missingDevice(result)) {
                return List.of();
            }
            throw new ContainerException("listing interfaces of bridge " + bridge + " failed: " + result.reason());
        }
        List<String> names = new ArrayList<>();
        try {
            JsonNode links = Json.mapper().readTree(result.stdout().isBlank() ? "[]" : result.stdout());
            for (JsonNode link : links) {
                String name = link.path("ifname").asString("");
                if (VethNames.isHostVeth(name)) {
                    names.add(name);
                }
            }
        } catch (JacksonException e) {
            throw new ContainerException("cannot understand the output of 'ip -j link': " + e.getOriginalMessage(), e);
        }
        return names;
    }

    /** The locally administered MAC derived from an IPv4 address, 02:42 then the address's four bytes. */
    static String macAddress(int address) {
        return String.format("02:42:%02x:%02x:%02x:%02x",
                address >>> 24, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff);
    }

    private static boolean missingDevice(HostCommand.Result result) {
        String stderr = result.stderr();
        return stderr.contains("Cannot find device") || stderr.contains("does not exist");
    }
}
