package dev.berth.oci.layer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Test helper: writes tar headers byte by byte, as a hostile archive's author would, with no validation at all. */
final class RawTar {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A header declaring {@code size}; content is added separately (or not at all, for lying headers). */
    RawTar header(String name, char type, long size, String link) {
        byte[] h = new byte[512];
        put(h, 0, name.getBytes(StandardCharsets.UTF_8), 100);
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        if (size > 077777777777L) {
            h[124] = (byte) 0x80;
            long v = size;
            for (int i = 11; i > 0; i--) {
                h[124 + i] = (byte) v;
                v >>>= 8;
            }
        } else {
            octal(h, 124, 12, size);
        }
        octal(h, 136, 12, 0);
        h[156] = (byte) type;
        put(h, 157, link.getBytes(StandardCharsets.UTF_8), 100);
        put(h, 257, "ustar\u000000".getBytes(StandardCharsets.US_ASCII), 8);
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        out.writeBytes(h);
        return this;
    }

    RawTar file(String name, byte[] content) {
        header(name, '0', content.length, "");
        return content(content);
    }

    RawTar dir(String name) {
        return header(name, '5', 0, "");
    }

    RawTar symlink(String name, String target) {
        return header(name, '2', 0, target);
    }

    RawTar hardLink(String name, String target) {
        return header(name, '1', 0, target);
    }

    RawTar content(byte[] content) {
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        return this;
    }

    RawTar pax(String name, String records) {
        byte[] body = records.getBytes(StandardCharsets.UTF_8);
        header("PaxHeaders/" + name, 'x', body.length, "");
        return content(body);
    }

    /** One well-formed PAX record (the length prefix counts itself). */
    static String record(String key, String value) {
        return new String(PaxRecords.encode(new java.util.TreeMap<>(java.util.Map.of(key, value))), StandardCharsets.UTF_8);
    }

    byte[] bytes() {
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /** Bytes without the end-of-archive marker, for archives that end where a lying header says data follows. */
    byte[] truncated() {
        return out.toByteArray();
    }

    private static void put(byte[] h, int offset, byte[] value, int width) {
        System.arraycopy(value, 0, h, offset, Math.min(width, value.length));
    }

    private static void octal(byte[] h, int offset, int width, long value) {
        String digits = String.format("%0" + (width - 1) + "o", value);
        put(h, offset, digits.getBytes(StandardCharsets.US_ASCII), width - 1);
    }
}
