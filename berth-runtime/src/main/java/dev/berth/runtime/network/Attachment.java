package dev.berth.runtime.network;

import java.util.List;

/**
 * One container's place on a network: what it was given when attached. Also what the network records (before the
 * resources exist) so that a crash can always be cleaned up.
 *
 * @param containerId  the container's id
 * @param name         the container's name, for /etc/hosts of its neighbours
 * @param ipAddress    its IPv4 address on the network
 * @param prefixLength the subnet's prefix length
 * @param gateway      the bridge's address, the container's default route
 * @param macAddress   eth0's MAC address inside the container
 * @param hostVeth     the host end of the container's veth pair
 * @param ports        published ports, each with its host port filled in
 */
public record Attachment(String containerId, String name, String ipAddress, int prefixLength, String gateway,
                         String macAddress, String hostVeth, List<PortMapping> ports) {
    public Attachment {
        ports = ports == null ? List.of() : List.copyOf(ports);
    }
}
