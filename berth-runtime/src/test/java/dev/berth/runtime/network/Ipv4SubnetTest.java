package dev.berth.runtime.network;

import dev.berth.runtime.ContainerException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Ipv4SubnetTest {

    @Test
    void addressesGatewayAndOverlap() {
        Ipv4Subnet subnet = Ipv4Subnet.parse("10.213.0.0/24");
        assertThat(subnet.size()).isEqualTo(256);
        assertThat(Ipv4Subnet.formatAddress(subnet.gateway())).isEqualTo("10.213.0.1");
        assertThat(Ipv4Subnet.formatAddress(subnet.address(254))).isEqualTo("10.213.0.254");
        assertThat(subnet.contains(Ipv4Subnet.parseAddress("10.213.0.77", "a"))).isTrue();
        assertThat(subnet.contains(Ipv4Subnet.parseAddress("10.213.1.77", "a"))).isFalse();
        assertThat(subnet.overlaps(Ipv4Subnet.parse("10.0.0.0/8"))).isTrue();
        assertThat(subnet.overlaps(Ipv4Subnet.parse("10.213.0.128/25"))).isTrue();
        assertThat(subnet.overlaps(Ipv4Subnet.parse("10.213.1.0/24"))).isFalse();
        assertThat(Ipv4Subnet.parse("172.29.255.0/24").toString()).isEqualTo("172.29.255.0/24");
        assertThat(BridgeLinks.macAddress(Ipv4Subnet.parseAddress("10.213.0.2", "a"))).isEqualTo("02:42:0a:d5:00:02");
    }

    @Test
    void rejectsMalformedSubnets() {
        assertThatThrownBy(() -> Ipv4Subnet.parse("10.213.0.5/24")).isInstanceOf(ContainerException.class)
                .hasMessageContaining("did you mean 10.213.0.0/24?");
        assertThatThrownBy(() -> Ipv4Subnet.parse("10.213.0.0")).hasMessageContaining("not in CIDR form");
        assertThatThrownBy(() -> Ipv4Subnet.parse("10.213.0.0/33")).hasMessageContaining("prefix length 33");
        assertThatThrownBy(() -> Ipv4Subnet.parse("10.213.0/24")).hasMessageContaining("not an IPv4 address");
    }

    @Test
    void chooserSkipsEverySubnetUsedOnTheHost() {
        // What this machine looks like, plus a VPN route over 10.213.0.0/23 and podman's bridge.
        var eth0 = new HostInterfaces.Link("eth0", "", 1400, List.of(Ipv4Subnet.parse("192.0.2.0/24")),
                List.of(Ipv4Subnet.parseAddress("192.0.2.2", "a")));
        var podman = new HostInterfaces.Link("podman0", "bridge", 1500, List.of(Ipv4Subnet.parse("10.88.0.0/16")),
                List.of(Ipv4Subnet.parseAddress("10.88.0.1", "a")));
        var host = new HostInterfaces(List.of(eth0, podman), List.of(
                new HostInterfaces.Route(Optional.empty(), "eth0"),
                new HostInterfaces.Route(Optional.of(Ipv4Subnet.parse("10.213.0.0/23")), "tun0")));
        assertThat(SubnetChooser.choose(host, "berth0", List.of())).isEqualTo(Ipv4Subnet.parse("10.213.2.0/24"));
        assertThat(SubnetChooser.choose(host, "berth0", List.of(Ipv4Subnet.parse("10.213.2.0/24"))))
                .isEqualTo(Ipv4Subnet.parse("10.213.3.0/24"));
        assertThat(host.uplinkMtu()).isEqualTo(1400);
        // The network's own bridge does not count as a conflict: reopening keeps its subnet.
        var ownBridge = new HostInterfaces.Link("tun0", "bridge", 1500, List.of(), List.of());
        assertThat(new HostInterfaces(List.of(eth0, ownBridge), host.routes()).conflict(Ipv4Subnet.parse("10.213.0.0/24"), "tun0"))
                .isEmpty();
        assertThat(host.conflict(Ipv4Subnet.parse("192.0.2.0/24"), "berth0")).contains("address 192.0.2.0/24 on eth0");
    }

    @Test
    void chooserOnThisHostAvoidsEth0AndPodman() {
        Ipv4Subnet chosen = SubnetChooser.choose(HostInterfaces.read(), "berth-none", List.of());
        assertThat(chosen.overlaps(Ipv4Subnet.parse("192.0.2.0/24"))).isFalse();
        assertThat(chosen.overlaps(Ipv4Subnet.parse("10.88.0.0/16"))).isFalse();
        assertThat(HostInterfaces.read().conflict(chosen, "berth-none")).isEmpty();
    }
}
