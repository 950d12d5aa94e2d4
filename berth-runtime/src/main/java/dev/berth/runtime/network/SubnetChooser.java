package dev.berth.runtime.network;

import dev.berth.runtime.ContainerException;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks a subnet for a new network that nothing on the host uses: first 10.213.0.0/24, then the following /24s of
 * 10.213.0.0/16, then 172.29.0.0/16's. Podman's 10.88.0.0/16 and Docker's 172.17.0.0/16 are not candidates.
 */
final class SubnetChooser {
    static final List<Ipv4Subnet> CANDIDATES = candidates();

    private SubnetChooser() {
    }

    static Ipv4Subnet choose(HostInterfaces host, String ownBridge, List<Ipv4Subnet> alsoTaken) {
        for (Ipv4Subnet candidate : CANDIDATES) {
            if (host.conflict(candidate, ownBridge).isEmpty()
                    && alsoTaken.stream().noneMatch(taken -> taken.overlaps(candidate))) {
                return candidate;
            }
        }
        throw new ContainerException("no free subnet for the network: every candidate in 10.213.0.0/16 and "
                + "172.29.0.0/16 is used on this host; configure one explicitly");
    }

    private static List<Ipv4Subnet> candidates() {
        List<Ipv4Subnet> all = new ArrayList<>();
        for (String base : List.of("10.213", "172.29")) {
            for (int third = 0; third < 256; third++) {
                all.add(Ipv4Subnet.parse(base + "." + third + ".0/24"));
            }
        }
        return List.copyOf(all);
    }
}
