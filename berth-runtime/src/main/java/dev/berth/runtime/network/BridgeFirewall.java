package dev.berth.runtime.network;

import dev.berth.runtime.ContainerException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The iptables rules of one bridge network, kept in chains of its own named after the bridge (BERTH-DNAT-berth0 ...)
 * so that several networks, and test networks, never touch each other's rules, and nothing else is touched at all
 * besides one jump rule per built-in chain.
 *
 * <p>nat table:
 * <ul>
 *   <li>BERTH-DNAT-&lt;bridge&gt;, jumped to from PREROUTING (traffic arriving from outside or from containers) and
 *       OUTPUT (connections made on the host itself, including to 127.0.0.1) for packets addressed to a local
 *       address: one DNAT rule per published port, tagged with a comment "berth:&lt;container id&gt;" so a
 *       container's rules can be found after a crash.</li>
 *   <li>BERTH-POST-&lt;bridge&gt;, jumped to from POSTROUTING: MASQUERADE for containers' traffic leaving by another
 *       interface (outbound access), for traffic to the bridge whose source is 127.0.0.0/8, and for connections that
 *       came from the subnet and were DNATed back into it (a container reaching a published port: "hairpin").</li>
 * </ul>
 *
 * <p>Why publishing on 127.0.0.1 needs two extra pieces: after OUTPUT's DNAT the packet keeps its source 127.0.0.1 and
 * is re-routed out of the bridge. The kernel refuses to route a loopback source out of a non-loopback device unless
 * {@code net.ipv4.conf.<bridge>.route_localnet=1} (set by {@link BridgeNetwork}). And the container must not see
 * 127.0.0.1 as the source: its replies would go to its own loopback. So such packets are masqueraded to the
 * gateway address, and the replies come back through conntrack to the host's socket.
 *
 * <p>route_localnet also lets packets that arrive on the bridge address 127.0.0.1, which would let a container reach
 * services the host binds to loopback only. BERTH-IN-&lt;bridge&gt; (filter, jumped to from INPUT) drops new
 * connections to 127.0.0.0/8 that come in from the bridge; replies of the DNAT above are ESTABLISHED and pass.
 *
 * <p>filter table: BERTH-FWD-&lt;bridge&gt;, inserted first in FORWARD, accepts traffic from the bridge, replies to it
 * and DNATed connections to it, so containers work even where FORWARD's policy is DROP.
 */
final class BridgeFirewall {
    private static final Pattern OWNER = Pattern.compile("--comment \"?berth:([A-Za-z0-9_.-]+)\"?");

    private final Iptables iptables;
    private final String bridge;
    private final String dnatChain;
    private final String postChain;
    private final String forwardChain;
    private final String inputChain;

    BridgeFirewall(Iptables iptables, String bridge) {
        this.iptables = iptables;
        this.bridge = bridge;
        this.dnatChain = "BERTH-DNAT-" + bridge;
        this.postChain = "BERTH-POST-" + bridge;
        this.forwardChain = "BERTH-FWD-" + bridge;
        this.inputChain = "BERTH-IN-" + bridge;
    }

    List<String> chains() {
        return List.of(dnatChain, postChain, forwardChain, inputChain);
    }

    /**
     * Creates the chains and jumps that are missing and rewrites the static rules, all in one transaction per table.
     * Existing per-container DNAT rules are kept.
     */
    void install(Ipv4Subnet subnet) {
        // The script is built from a snapshot; "-N" and "-F" fail if another process changed the chains since, and
        // then the snapshot is taken again, rather than re-declaring a chain (which would empty it of DNAT rules).
        HostCommand.Result result = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            result = iptables.tryApply(installScript(subnet));
            if (result.succeeded()) {
                return;
            }
        }
        throw new ContainerException("setting up firewall rules for bridge " + bridge + " failed: "
                + result.reason());
    }

    private String installScript(Ipv4Subnet subnet) {
        List<String> nat = iptables.save("nat");
        List<String> filter = iptables.save("filter");
        StringBuilder script = new StringBuilder("*nat\n");
        declareIfMissing(script, nat, dnatChain);
        recreate(script, nat, postChain);
        script.append("-A ").append(postChain).append(" -s ").append(subnet).append(" ! -o ").append(bridge)
                .append(" -j MASQUERADE\n");
        script.append("-A ").append(postChain).append(" -s 127.0.0.0/8 -o ").append(bridge).append(" -j MASQUERADE\n");
        script.append("-A ").append(postChain).append(" -s ").append(subnet).append(" -o ").append(bridge)
                .append(" -m conntrack --ctstate DNAT -j MASQUERADE\n");
        jumpIfMissing(script, nat, "-A PREROUTING -m addrtype --dst-type LOCAL", dnatChain);
        jumpIfMissing(script, nat, "-A OUTPUT -m addrtype --dst-type LOCAL", dnatChain);
        jumpIfMissing(script, nat, "-A POSTROUTING", postChain);
        script.append("COMMIT\n*filter\n");
        recreate(script, filter, forwardChain);
        script.append("-A ").append(forwardChain).append(" -o ").append(bridge)
                .append(" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
        script.append("-A ").append(forwardChain).append(" -o ").append(bridge)
                .append(" -m conntrack --ctstate DNAT -j ACCEPT\n");
        script.append("-A ").append(forwardChain).append(" -i ").append(bridge).append(" -j ACCEPT\n");
        recreate(script, filter, inputChain);
        script.append("-A ").append(inputChain).append(" -i ").append(bridge)
                .append(" -d 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED -j DROP\n");
        jumpIfMissing(script, filter, "-I FORWARD 1", forwardChain);
        jumpIfMissing(script, filter, "-I INPUT 1", inputChain);
        return script.append("COMMIT\n").toString();
    }

    /** Removes the jumps and chains of this bridge; rules of other chains are left alone. */
    void uninstall() {
        StringBuilder script = new StringBuilder();
        for (String table : List.of("nat", "filter")) {
            List<String> rules = iptables.save(table);
            StringBuilder part = new StringBuilder();
            for (String rule : rules) {
                if (rule.startsWith("-A ") && chains().stream().anyMatch(c -> rule.endsWith(" -j " + c))) {
                    part.append("-D ").append(rule.substring(3)).append('\n');
                }
            }
            for (String chain : chains()) {
                if (declared(rules, chain)) {
                    part.append("-F ").append(chain).append('\n').append("-X ").append(chain).append('\n');
                }
            }
            if (!part.isEmpty()) {
                script.append('*').append(table).append('\n').append(part).append("COMMIT\n");
            }
        }
        if (!script.isEmpty()) {
            iptables.apply("removing firewall rules of bridge " + bridge, script.toString());
        }
    }

    /** Adds the DNAT rules of the attachment's published ports, all or none. */
    void publish(Attachment attachment) {
        if (attachment.ports().isEmpty()) {
            return;
        }
        StringBuilder script = new StringBuilder("*nat\n");
        for (String rule : dnatRules(attachment)) {
            script.append("-A ").append(rule).append('\n');
        }
        iptables.apply("publishing ports of container " + attachment.containerId(), script.append("COMMIT\n").toString());
    }

    /**
     * Removes the container's DNAT rules. With its record at hand the exact rules are deleted in one step; if that
     * fails (some were never added, or there is no record) the chain is searched for rules carrying its id.
     */
    void unpublish(String containerId, Attachment recorded) {
        if (recorded != null) {
            if (recorded.ports().isEmpty()) {
                return; // rules are only ever added for recorded ports
            }
            StringBuilder script = new StringBuilder("*nat\n");
            for (String rule : dnatRules(recorded)) {
                script.append("-D ").append(rule).append('\n');
            }
            if (iptables.tryApply(script.append("COMMIT\n").toString()).succeeded()) {
                return;
            }
        }
        unpublishWhere(containerId::equals);
    }

    /** The container id a saved DNAT rule was added for, from its "berth:&lt;id&gt;" comment. */
    static Optional<String> owner(String savedRule) {
        Matcher owner = OWNER.matcher(savedRule);
        return owner.find() ? Optional.of(owner.group(1)) : Optional.empty();
    }

    /** The "-A BERTH-DNAT-..." lines as iptables-save prints them. */
    List<String> dnatChainRules() {
        return iptables.save("nat").stream().filter(l -> l.startsWith("-A " + dnatChain + " ")).toList();
    }

    private void unpublishWhere(Predicate<String> remove) {
        deleteRules(dnatChainRules().stream().filter(rule -> owner(rule).filter(remove).isPresent()).toList());
    }

    /** Deletes rules given as iptables-save prints them ("-A CHAIN ..."), in one transaction. */
    void deleteRules(List<String> savedRules) {
        if (savedRules.isEmpty()) {
            return;
        }
        StringBuilder script = new StringBuilder("*nat\n");
        for (String rule : savedRules) {
            script.append("-D ").append(rule.substring(3)).append('\n');
        }
        iptables.apply("removing published ports", script.append("COMMIT\n").toString());
    }

    private List<String> dnatRules(Attachment attachment) {
        List<String> rules = new ArrayList<>();
        for (PortMapping port : attachment.ports()) {
            StringBuilder rule = new StringBuilder(dnatChain);
            if (!port.hostIp().isEmpty()) {
                rule.append(" -d ").append(port.hostIp()).append("/32");
            }
            rule.append(" -p ").append(port.protocol()).append(" -m ").append(port.protocol())
                    .append(" --dport ").append(port.hostPort())
                    .append(" -m comment --comment berth:").append(attachment.containerId())
                    .append(" -j DNAT --to-destination ").append(attachment.ipAddress()).append(':')
                    .append(port.containerPort());
            rules.add(rule.toString());
        }
        return rules;
    }

    private static boolean declared(List<String> rules, String chain) {
        return rules.stream().anyMatch(l -> l.startsWith(":" + chain + " "));
    }

    private static void declareIfMissing(StringBuilder script, List<String> rules, String chain) {
        if (!declared(rules, chain)) {
            script.append("-N ").append(chain).append('\n');
        }
    }

    private static void recreate(StringBuilder script, List<String> rules, String chain) {
        if (declared(rules, chain)) {
            script.append("-F ").append(chain).append('\n');
        } else {
            script.append("-N ").append(chain).append('\n');
        }
    }

    private static void jumpIfMissing(StringBuilder script, List<String> rules, String jump, String chain) {
        String builtIn = jump.split(" ")[1];
        boolean present = rules.stream().anyMatch(l -> l.startsWith("-A " + builtIn + " ") && l.endsWith(" -j " + chain));
        if (!present) {
            script.append(jump).append(" -j ").append(chain).append('\n');
        }
    }
}
