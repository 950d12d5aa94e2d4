package dev.berth.runtime.network;

import dev.berth.runtime.ContainerException;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and how a bridge network lives on this host.
 *
 * @param name         the network's name as users see it, e.g. "bridge"
 * @param bridgeDevice the Linux bridge interface, at most 15 characters, e.g. "berth0"
 * @param subnetCidr   the IPv4 subnet, e.g. "10.213.0.0/24"; {@code null} lets Berth pick one that no route or
 *                     address on this host uses, recorded in {@code stateDir} so later runs keep it
 * @param stateDir     directory holding the network's state: chosen subnet and address allocations
 */
public record NetworkConfig(String name, String bridgeDevice, String subnetCidr, Path stateDir) {
    private static final Pattern NETWORK_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");
    // Linux interface names: at most 15 bytes, no '/', ':' or whitespace; kept to a plain, unsurprising alphabet.
    private static final Pattern DEVICE_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_.-]{0,14}");

    public NetworkConfig {
        if (name == null || !NETWORK_NAME.matcher(name).matches()) {
            throw new ContainerException("network name '" + name + "' is not valid: use letters, digits, '_', '.' "
                    + "or '-', starting with a letter or digit");
        }
        if (bridgeDevice == null || !DEVICE_NAME.matcher(bridgeDevice).matches()) {
            throw new ContainerException("bridge device name '" + bridgeDevice + "' is not valid: at most 15 letters, "
                    + "digits, '_', '.' or '-', starting with a letter");
        }
        if (bridgeDevice.startsWith(VethNames.PREFIX)) {
            throw new ContainerException("bridge device name '" + bridgeDevice + "' must not start with '"
                    + VethNames.PREFIX + "': that prefix names container interfaces");
        }
        if (subnetCidr != null) {
            Ipv4Subnet subnet = Ipv4Subnet.parse(subnetCidr);
            if (subnet.prefixLength() < 8 || subnet.prefixLength() > 29) {
                throw new ContainerException("subnet " + subnetCidr + " must have a prefix length from 8 to 29");
            }
        }
        Objects.requireNonNull(stateDir, "stateDir");
    }

    /** Berth's default network, "bridge" on device berth0, with its state under {@code berthRoot/networks/bridge}. */
    public static NetworkConfig defaultBridge(Path berthRoot) {
        return new NetworkConfig("bridge", "berth0", null, berthRoot.resolve("networks").resolve("bridge"));
    }
}
