package dev.berth.runtime.network;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Names of the host ends of container veth pairs: "bv" and 12 hex digits, so `ip link` shows whose they are. */
final class VethNames {
    static final String PREFIX = "bv";
    private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{12,}");

    private VethNames() {
    }

    /** The id's first 12 hex digits when it is a hex id like Docker's; otherwise 12 digits of its SHA-256. */
    static String hostVeth(String containerId) {
        if (HEX_ID.matcher(containerId).matches()) {
            return PREFIX + containerId.substring(0, 12);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(containerId.getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    static boolean isHostVeth(String interfaceName) {
        return interfaceName.startsWith(PREFIX) && interfaceName.length() == PREFIX.length() + 12;
    }
}
