package dev.berth.tiny.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a FlexBuffer holding one map of integer and boolean values (what custom operators' options need),
 * everything 4 bytes wide: key strings, the keys vector, the map (keys offset, keys width, length, values, one
 * packed type byte per value), then the root offset, the root's packed type and its width.
 */
public final class FlexBufferMapWriter {
    private FlexBufferMapWriter() {
    }

    public static byte[] write(Map<String, ?> values) {
        TreeMap<String, ?> sorted = new TreeMap<>(values);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] keyPositions = new int[sorted.size()];
        int i = 0;
        for (String key : sorted.keySet()) {
            keyPositions[i++] = out.size();
            out.writeBytes(key.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        pad(out);
        putInt(out, sorted.size());
        int keys = out.size();
        for (int k = 0; k < keyPositions.length; k++) {
            putInt(out, keys + 4 * k - keyPositions[k]);
        }
        putInt(out, out.size() - keys); // offset from this field back to the keys vector
        putInt(out, 4);
        putInt(out, sorted.size());
        int map = out.size();
        for (Object value : sorted.values()) {
            putInt(out, value instanceof Boolean b ? (b ? 1 : 0) : ((Number) value).intValue());
        }
        for (Object value : sorted.values()) {
            out.write((value instanceof Boolean ? 26 : 1) << 2 | 2); // BOOL or INT, 4 bytes wide
        }
        pad(out);
        putInt(out, out.size() - map);
        out.write(9 << 2 | 2); // MAP, 4 bytes wide
        out.write(4);
        return out.toByteArray();
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }

    private static void putInt(ByteArrayOutputStream out, int value) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
    }
}
