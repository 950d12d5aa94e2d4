package dev.berth.tiny.flatbuffer;

import dev.berth.tiny.TinyException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The root map of a FlexBuffer, the schema-less format TensorFlow Lite uses for custom operators' options,
 * decoded into key to value (Long, Double, Boolean, String, or long[] / double[] for typed vectors).
 *
 * <p>Format facts: the buffer ends with the root value, its packed type (type << 2 | log2 width) and its byte
 * width; offsets point backwards (target = where the offset is stored - its value); a map stores, before its
 * values, the offset to its keys vector, that vector's byte width and the length, each one element wide; an
 * untyped vector is followed by one packed type byte per element.
 */
public final class FlexMap {
    private static final int INT = 1;
    private static final int UINT = 2;
    private static final int FLOAT = 3;
    private static final int KEY = 4;
    private static final int STRING = 5;
    private static final int INDIRECT_INT = 6;
    private static final int INDIRECT_UINT = 7;
    private static final int INDIRECT_FLOAT = 8;
    private static final int MAP = 9;
    private static final int VECTOR_INT = 11;
    private static final int VECTOR_UINT = 12;
    private static final int VECTOR_FLOAT = 13;
    private static final int BOOL = 26;

    private FlexMap() {
    }

    public static Map<String, Object> parse(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (bytes.length < 3) {
                throw new TinyException("custom options are too short to be a FlexBuffer");
            }
            int rootWidth = bytes[bytes.length - 1] & 0xff;
            int rootType = bytes[bytes.length - 2] & 0xff;
            int rootAt = bytes.length - 2 - rootWidth;
            if (rootType >> 2 != MAP) {
                throw new TinyException("custom options are not a FlexBuffer map (type " + (rootType >> 2) + ")");
            }
            int map = target(b, rootAt, rootWidth);
            int width = 1 << (rootType & 3);
            int length = (int) readUInt(b, map - width, width);
            int keysAt = map - 3 * width;
            int keys = target(b, keysAt, width);
            int keyWidth = (int) readUInt(b, map - 2 * width, width);
            Map<String, Object> result = new LinkedHashMap<>();
            for (int i = 0; i < length; i++) {
                int keyAt = target(b, keys + i * keyWidth, keyWidth);
                int end = keyAt;
                while (bytes[end] != 0) {
                    end++;
                }
                String key = new String(bytes, keyAt, end - keyAt, StandardCharsets.UTF_8);
                int packed = bytes[map + length * width + i] & 0xff;
                result.put(key, value(b, map + i * width, width, packed));
            }
            return result;
        } catch (IndexOutOfBoundsException e) {
            throw new TinyException("corrupt FlexBuffer in custom options", e);
        }
    }

    private static Object value(ByteBuffer b, int at, int parentWidth, int packed) {
        int type = packed >> 2;
        int width = 1 << (packed & 3);
        return switch (type) {
            case INT -> readInt(b, at, parentWidth);
            case UINT -> readUInt(b, at, parentWidth);
            case FLOAT -> parentWidth == 4 ? (double) b.getFloat(at) : b.getDouble(at);
            case BOOL -> readUInt(b, at, parentWidth) != 0;
            case INDIRECT_INT -> readInt(b, target(b, at, parentWidth), width);
            case INDIRECT_UINT -> readUInt(b, target(b, at, parentWidth), width);
            case INDIRECT_FLOAT -> width == 4 ? (double) b.getFloat(target(b, at, parentWidth))
                    : b.getDouble(target(b, at, parentWidth));
            case STRING, KEY -> {
                int s = target(b, at, parentWidth);
                int length = type == STRING ? (int) readUInt(b, s - width, width) : 0;
                if (type == KEY) {
                    while (b.get(s + length) != 0) {
                        length++;
                    }
                }
                byte[] text = new byte[length];
                b.get(s, text);
                yield new String(text, StandardCharsets.UTF_8);
            }
            case VECTOR_INT, VECTOR_UINT -> {
                int v = target(b, at, parentWidth);
                long[] values = new long[(int) readUInt(b, v - width, width)];
                for (int i = 0; i < values.length; i++) {
                    values[i] = type == VECTOR_INT ? readInt(b, v + i * width, width) : readUInt(b, v + i * width, width);
                }
                yield values;
            }
            case VECTOR_FLOAT -> {
                int v = target(b, at, parentWidth);
                double[] values = new double[(int) readUInt(b, v - width, width)];
                for (int i = 0; i < values.length; i++) {
                    values[i] = width == 4 ? b.getFloat(v + i * 4) : b.getDouble(v + i * 8);
                }
                yield values;
            }
            default -> throw new TinyException("unsupported FlexBuffer value type " + type + " in custom options");
        };
    }

    private static int target(ByteBuffer b, int at, int width) {
        long offset = readUInt(b, at, width);
        long target = at - offset;
        if (target < 0 || target >= b.limit()) {
            throw new TinyException("corrupt FlexBuffer: an offset points outside the custom options");
        }
        return (int) target;
    }

    private static long readInt(ByteBuffer b, int at, int width) {
        return switch (width) {
            case 1 -> b.get(at);
            case 2 -> b.getShort(at);
            case 4 -> b.getInt(at);
            default -> b.getLong(at);
        };
    }

    private static long readUInt(ByteBuffer b, int at, int width) {
        return switch (width) {
            case 1 -> b.get(at) & 0xffL;
            case 2 -> b.getShort(at) & 0xffffL;
            case 4 -> b.getInt(at) & 0xffffffffL;
            default -> b.getLong(at);
        };
    }
}
