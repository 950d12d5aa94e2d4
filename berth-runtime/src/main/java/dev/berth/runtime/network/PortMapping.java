package dev.berth.runtime.network;

import dev.berth.runtime.ContainerException;

import java.util.Locale;

/**
 * One published port, as {@code docker run -p} takes it.
 *
 * @param hostIp        the host address to listen on; "" means every address of the host
 * @param hostPort      the host port; 0 asks the network to pick a free one when the container is attached
 * @param containerPort the port inside the container
 * @param protocol      "tcp" or "udp"
 */
public record PortMapping(String hostIp, int hostPort, int containerPort, String protocol) {
    private static final String FORM = "expected [hostIp:][hostPort:]containerPort[/tcp|/udp], e.g. 127.0.0.1:8081:80";

    public PortMapping {
        hostIp = hostIp == null || hostIp.equals("0.0.0.0") ? "" : hostIp;
        if (!hostIp.isEmpty() && !Ipv4Subnet.isAddress(hostIp)) {
            throw new ContainerException("host address '" + hostIp + "' is not an IPv4 address");
        }
        if (hostPort < 0 || hostPort > 65535) {
            throw new ContainerException("host port " + hostPort + " is not between 1 and 65535");
        }
        if (containerPort < 1 || containerPort > 65535) {
            throw new ContainerException("container port " + containerPort + " is not between 1 and 65535");
        }
        protocol = protocol == null ? "tcp" : protocol.toLowerCase(Locale.ROOT);
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw new ContainerException("protocol '" + protocol + "' is not supported; use tcp or udp");
        }
    }

    /**
     * Reads a {@code -p} value: "80", "8081:80", "127.0.0.1:8081:80", "127.0.0.1::80", "8081:80/udp".
     *
     * @throws ContainerException naming what is wrong with the value
     */
    public static PortMapping parse(String publishFlag) {
        if (publishFlag == null || publishFlag.isBlank()) {
            throw new ContainerException("empty port mapping: " + FORM);
        }
        String text = publishFlag.strip();
        String protocol = "tcp";
        int slash = text.lastIndexOf('/');
        if (slash >= 0) {
            protocol = text.substring(slash + 1).toLowerCase(Locale.ROOT);
            text = text.substring(0, slash);
            if (!protocol.equals("tcp") && !protocol.equals("udp")) {
                throw invalid(publishFlag, "protocol '" + protocol + "' is not supported; use tcp or udp");
            }
        }
        if (text.startsWith("[") || text.chars().filter(c -> c == ':').count() > 2) {
            throw invalid(publishFlag, "IPv6 host addresses are not supported; Berth networks are IPv4 only");
        }
        String[] parts = text.split(":", -1);
        String hostIp = "";
        String hostPort = "";
        String containerPort = parts[parts.length - 1];
        if (parts.length == 2) {
            hostPort = parts[0];
        } else if (parts.length == 3) {
            hostIp = parts[0];
            hostPort = parts[1];
            if (hostIp.isEmpty() || !Ipv4Subnet.isAddress(hostIp)) {
                throw invalid(publishFlag, "host address '" + hostIp + "' is not an IPv4 address");
            }
        }
        return new PortMapping(hostIp,
                hostPort.isEmpty() ? 0 : port(publishFlag, "host port", hostPort),
                port(publishFlag, "container port", containerPort),
                protocol);
    }

    private static int port(String flag, String what, String text) {
        if (text.isEmpty()) {
            throw invalid(flag, what + " is missing");
        }
        if (text.contains("-")) {
            throw invalid(flag, "port ranges are not supported (" + what + " '" + text + "')");
        }
        if (!text.chars().allMatch(Character::isDigit) || text.length() > 5) {
            throw invalid(flag, what + " '" + text + "' is not a number");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw invalid(flag, what + " " + port + " is not between 1 and 65535");
        }
        return port;
    }

    private static ContainerException invalid(String flag, String reason) {
        return new ContainerException("invalid port mapping '" + flag + "': " + reason + " (" + FORM + ")");
    }

    /** The same mapping with a concrete host port. */
    PortMapping withHostPort(int port) {
        return new PortMapping(hostIp, port, containerPort, protocol);
    }

    /** The host side as users write it, e.g. "127.0.0.1:8081", "0.0.0.0:8081/udp". */
    String hostSide() {
        String side = (hostIp.isEmpty() ? "0.0.0.0" : hostIp) + ":" + hostPort;
        return protocol.equals("tcp") ? side : side + "/udp";
    }

    /** Whether both claim the same host port: same protocol and port, and one address covers the other. */
    boolean clashesWith(PortMapping other) {
        return hostPort == other.hostPort && protocol.equals(other.protocol)
                && (hostIp.isEmpty() || other.hostIp.isEmpty() || hostIp.equals(other.hostIp));
    }
}
