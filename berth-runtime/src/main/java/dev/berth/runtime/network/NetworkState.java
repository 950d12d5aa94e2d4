package dev.berth.runtime.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a network's state file holds: its subnet, where address allocation last stopped, and every attachment
 * recorded (including ones whose resources may not exist yet or any more).
 *
 * @param subnet      the network's subnet, e.g. "10.213.0.0/24"
 * @param lastAddress the address handed out last; allocation continues after it so a released address is not
 *                    reused at once (stale ARP and conntrack entries on the host would still point at the old owner)
 */
record NetworkState(String name, String bridgeDevice, String subnet, String lastAddress, List<Attachment> attachments) {
    NetworkState {
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    static NetworkState empty(String name, String bridgeDevice) {
        return new NetworkState(name, bridgeDevice, null, null, List.of());
    }

    Optional<Attachment> find(String containerId) {
        return attachments.stream().filter(a -> a.containerId().equals(containerId)).findFirst();
    }

    NetworkState withSubnet(String newSubnet) {
        return new NetworkState(name, bridgeDevice, newSubnet, lastAddress, attachments);
    }

    NetworkState with(Attachment attachment) {
        List<Attachment> all = new ArrayList<>(attachments);
        all.add(attachment);
        return new NetworkState(name, bridgeDevice, subnet, attachment.ipAddress(), all);
    }

    NetworkState without(String containerId) {
        List<Attachment> rest = attachments.stream().filter(a -> !a.containerId().equals(containerId)).toList();
        return new NetworkState(name, bridgeDevice, subnet, lastAddress, rest);
    }
}
