package dev.berth.daemon.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The three files every container gets bind-mounted at /etc: hostname, hosts and resolv.conf. Containers on the
 * bridge network find each other by name through their hosts files, rewritten when a container joins or leaves. A
 * bind mount pins the file's inode, so a hosts file is rewritten in place, never replaced.
 */
final class HostFiles {
    private static final String DEFAULT_HOSTS = """
            127.0.0.1\tlocalhost
            ::1\tlocalhost ip6-localhost ip6-loopback
            fe00::0\tip6-localnet
            ff00::0\tip6-mcastprefix
            ff02::1\tip6-allnodes
            ff02::2\tip6-allrouters
            """;

    private HostFiles() {
    }

    /** A peer on the same network: its address and the names it answers to. */
    record Peer(String ip, List<String> names) {
    }

    static void writeHostname(Path file, String hostname) throws IOException {
        Files.writeString(file, hostname + "\n", StandardCharsets.UTF_8);
    }

    static void writeHosts(Path file, String ownIp, String hostname, String name, List<Peer> peers) throws IOException {
        StringBuilder hosts = new StringBuilder(DEFAULT_HOSTS);
        if (ownIp != null) {
            hosts.append(ownIp).append('\t').append(hostname);
            if (!name.equals(hostname)) {
                hosts.append(' ').append(name);
            }
            hosts.append('\n');
        }
        for (Peer peer : peers) {
            hosts.append(peer.ip()).append('\t').append(String.join(" ", peer.names())).append('\n');
        }
        // in place: truncate and write, keeping the inode a running container has bind-mounted
        Files.writeString(file, hosts, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * The host's resolv.conf; on the bridge network, loopback name servers are dropped (the container's loopback is
     * not the host's), and when none remain, public resolvers stand in, as Docker does.
     */
    static void writeResolvConf(Path file, boolean bridge) throws IOException {
        Path host = Path.of("/etc/resolv.conf");
        List<String> lines = Files.exists(host) ? Files.readAllLines(host, StandardCharsets.UTF_8) : List.of();
        List<String> out = new ArrayList<>();
        boolean nameserver = false;
        for (String line : lines) {
            String t = line.strip();
            if (t.startsWith("nameserver")) {
                String[] parts = t.split("\\s+");
                if (bridge && parts.length > 1 && (parts[1].startsWith("127.") || parts[1].equals("::1"))) {
                    continue;
                }
                nameserver = true;
            }
            out.add(line);
        }
        if (bridge && !nameserver) {
            out.add("nameserver 8.8.8.8");
            out.add("nameserver 8.8.4.4");
        }
        Files.writeString(file, String.join("\n", out) + (out.isEmpty() ? "" : "\n"), StandardCharsets.UTF_8);
    }
}
