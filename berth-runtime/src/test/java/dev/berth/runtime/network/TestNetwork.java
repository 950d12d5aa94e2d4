package dev.berth.runtime.network;

import dev.berth.oci.json.Json;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A throw-away bridge network for one test class: its own bridge ("bt" + random hex), its own firewall chains, a
 * subnet nothing on the host uses, and a temporary state directory. {@link #close} removes all of it, even when the
 * network's own cleanup fails.
 */
final class TestNetwork implements AutoCloseable {
    final String bridge;
    final Path stateDir;
    final Ipv4Subnet subnet;
    final NetworkConfig config;
    final BridgeNetwork network;
    private final Set<String> containerIds = ConcurrentHashMap.newKeySet();

    private TestNetwork(String bridge, Path stateDir, Ipv4Subnet subnet) {
        this.bridge = bridge;
        this.stateDir = stateDir;
        this.subnet = subnet;
        this.config = new NetworkConfig("test-" + bridge, bridge, subnet.toString(), stateDir);
        BridgeNetwork opened;
        try {
            opened = BridgeNetwork.open(config);
        } catch (RuntimeException e) {
            forceCleanup();
            throw e;
        }
        this.network = opened;
    }

    static TestNetwork create() throws IOException {
        String bridge = "bt" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Path stateDir = Files.createTempDirectory("berth-net-test");
        // Far from 10.213.0.0/24, which a real Berth daemon on this host would pick.
        Ipv4Subnet subnet = SubnetChooser.CANDIDATES.stream()
                .filter(c -> c.network() >= Ipv4Subnet.parse("10.213.200.0/24").network())
                .filter(c -> HostInterfaces.read().conflict(c, bridge).isEmpty())
                .findFirst().orElseThrow();
        return new TestNetwork(bridge, stateDir, subnet);
    }

    /** A fresh Docker-style id (64 hex digits), remembered so its veth is cleaned up whatever happens. */
    String newContainerId() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        String id = HexFormat.of().formatHex(bytes);
        containerIds.add(id);
        return id;
    }

    /** Host veths of this network: those on its bridge and any named after one of its containers. */
    List<String> hostVeths() {
        Set<String> ours = new java.util.HashSet<>();
        containerIds.forEach(id -> ours.add(VethNames.hostVeth(id)));
        List<String> found = new ArrayList<>();
        JsonNode links = Json.mapper().readTree(HostCommand.run("ip link", null, List.of("ip", "-j", "link", "show")));
        for (JsonNode link : links) {
            String name = link.path("ifname").asString("");
            if (name.startsWith("bv") && (ours.contains(name) || link.path("master").asString("").equals(bridge))) {
                found.add(name);
            }
        }
        return found;
    }

    List<String> dnatRules() {
        return Iptables.host().save("nat").stream().filter(l -> l.startsWith("-A BERTH-DNAT-" + bridge + " ")).toList();
    }

    /** Every rule line in this network's chains or jumping to them, in both tables. */
    List<String> allRules() {
        List<String> rules = new ArrayList<>();
        for (String table : List.of("nat", "filter")) {
            Iptables.host().save(table).stream().filter(l -> l.startsWith("-A ") && l.contains("-" + bridge)).forEach(rules::add);
        }
        return rules;
    }

    int allocations() {
        return network.attachments().size();
    }

    @Override
    public void close() {
        try {
            network.reconcile(Set.of());
            network.remove();
        } finally {
            forceCleanup();
        }
    }

    /** Removes whatever is left by name, without trusting the code under test. */
    private void forceCleanup() {
        for (String id : containerIds) {
            HostCommand.attempt(null, List.of("ip", "link", "del", VethNames.hostVeth(id)));
        }
        try {
            new BridgeFirewall(Iptables.host(), bridge).uninstall();
        } finally {
            HostCommand.attempt(null, List.of("ip", "link", "del", bridge));
            try (Stream<Path> files = Files.walk(stateDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort: a temp dir
            }
        }
    }
}
