package dev.berth.runtime.network;

import dev.berth.runtime.ContainerException;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/**
 * Host port checks by binding: a port is free if this process can bind it right now. Published ports are DNAT rules,
 * not sockets, so the network also checks its own records for ports of other containers (see {@link BridgeNetwork}).
 */
final class HostPorts {
    private HostPorts() {
    }

    /** Throws unless the mapping's host address and port can be bound now. */
    static void checkFree(PortMapping port) {
        if (port.hostPort() < 1) {
            throw new ContainerException("cannot check host port " + port.hostPort() + ": choose a port from 1 to 65535");
        }
        bind(port, port.hostPort());
    }

    /** A port the kernel considers free on the mapping's host address, from its ephemeral range. */
    static int pickFree(PortMapping port) {
        return bind(port, 0);
    }

    private static int bind(PortMapping port, int number) {
        InetSocketAddress address = new InetSocketAddress(hostAddress(port), number);
        try {
            if (port.protocol().equals("udp")) {
                try (DatagramSocket socket = new DatagramSocket(null)) {
                    socket.bind(address);
                    return socket.getLocalPort();
                }
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(address);
                return socket.getLocalPort();
            }
        } catch (BindException e) {
            String reason = String.valueOf(e.getMessage());
            if (reason.contains("assign requested address")) {
                throw new ContainerException("cannot publish port " + port.hostSide() + ": " + port.hostIp()
                        + " is not an address of this host");
            }
            throw new ContainerException("port " + port.withHostPort(number).hostSide() + " is already in use");
        } catch (IOException e) {
            throw new ContainerException("cannot check port " + port.withHostPort(number).hostSide() + ": "
                    + e.getMessage(), e);
        }
    }

    private static InetAddress hostAddress(PortMapping port) {
        int address = port.hostIp().isEmpty() ? 0 : Ipv4Subnet.parseAddress(port.hostIp(), "host address");
        try {
            return InetAddress.getByAddress(new byte[] {
                    (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}
