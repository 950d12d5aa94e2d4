package dev.berth.runtime.network;

import dev.berth.runtime.ContainerException;

/**
 * An IPv4 network such as 10.213.0.0/24, held as its first address and prefix length. Addresses are plain ints so
 * that "the n-th host" and "does this overlap" are arithmetic, not string juggling.
 */
record Ipv4Subnet(int network, int prefixLength) {

    Ipv4Subnet {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength);
        }
        if ((network & ~mask(prefixLength)) != 0) {
            throw new IllegalArgumentException("host bits set in " + formatAddress(network) + "/" + prefixLength);
        }
    }

    /** Parses "a.b.c.d/n"; the address must be the network's first address. */
    static Ipv4Subnet parse(String cidr) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash < 0) {
            throw new ContainerException("subnet '" + cidr + "' is not in CIDR form such as 10.213.0.0/24");
        }
        int address = parseAddress(cidr.substring(0, slash), "subnet '" + cidr + "'");
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new ContainerException("subnet '" + cidr + "' has no valid prefix length");
        }
        if (prefix < 0 || prefix > 32) {
            throw new ContainerException("subnet '" + cidr + "' has prefix length " + prefix + ", which is not 0 to 32");
        }
        if ((address & ~mask(prefix)) != 0) {
            throw new ContainerException("subnet '" + cidr + "' is not a network address; did you mean "
                    + formatAddress(address & mask(prefix)) + "/" + prefix + "?");
        }
        return new Ipv4Subnet(address, prefix);
    }

    /** The network containing {@code address} with the given prefix, e.g. an interface address and its prefix. */
    static Ipv4Subnet containing(int address, int prefixLength) {
        return new Ipv4Subnet(address & mask(prefixLength), prefixLength);
    }

    /** Parses a dotted-quad IPv4 address; {@code what} names it in the error. */
    static int parseAddress(String text, String what) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new ContainerException(what + " is not an IPv4 address");
        }
        int address = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                throw new ContainerException(what + " is not an IPv4 address");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new ContainerException(what + " is not an IPv4 address");
            }
            address = (address << 8) | octet;
        }
        return address;
    }

    static boolean isAddress(String text) {
        try {
            parseAddress(text, "address");
            return true;
        } catch (ContainerException e) {
            return false;
        }
    }

    static String formatAddress(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }

    private static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    long size() {
        return 1L << (32 - prefixLength);
    }

    /** The address {@code offset} places after the network address (offset 1 is the gateway). */
    int address(long offset) {
        if (offset < 0 || offset >= size()) {
            throw new IllegalArgumentException("offset " + offset + " outside " + this);
        }
        return (int) (network + offset);
    }

    long offsetOf(int address) {
        return Integer.toUnsignedLong(address) - Integer.toUnsignedLong(network);
    }

    int gateway() {
        return address(1);
    }

    boolean contains(int address) {
        return (address & mask(prefixLength)) == network;
    }

    boolean overlaps(Ipv4Subnet other) {
        int shorter = Math.min(prefixLength, other.prefixLength);
        return (network & mask(shorter)) == (other.network & mask(shorter));
    }

    @Override
    public String toString() {
        return formatAddress(network) + "/" + prefixLength;
    }
}
