package dev.berth.tiny.flatbuffer;

import dev.berth.tiny.TinyException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One table inside a FlatBuffer, read in place. Every read is bounds-checked so that a truncated or hostile file
 * ends in a {@link TinyException} naming what was wrong, never in an index exception or a huge allocation.
 *
 * <p>Layout facts (FlatBuffers binary format): a table starts with a signed 32-bit offset back to its vtable; the
 * vtable holds its own size, the table's size and one 16-bit offset per field (0 = absent, take the default);
 * offsets to sub-tables, vectors and strings are unsigned 32-bit and relative to where they are stored.
 */
public final class FlatTable {
    private final ByteBuffer buffer;
    private final int position;
    private final int vtable;
    private final int vtableSize;

    private FlatTable(ByteBuffer buffer, int position) {
        this.buffer = buffer;
        this.position = position;
        long vt = (long) position - readInt(buffer, position, "table");
        if (vt < 0 || vt + 4 > buffer.limit()) {
            throw new TinyException("corrupt flatbuffer: a table at byte " + position + " points outside the file");
        }
        this.vtable = (int) vt;
        this.vtableSize = Short.toUnsignedInt(buffer.getShort(vtable));
        if (vtableSize < 4 || (vtableSize & 1) != 0 || vtable + vtableSize > buffer.limit()) {
            throw new TinyException("corrupt flatbuffer: bad vtable at byte " + vtable);
        }
    }

    /** The root table of a FlatBuffer whose first four bytes are the offset to it. */
    public static FlatTable root(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 8) {
            throw new TinyException("not a flatbuffer: only " + bytes.length + " bytes");
        }
        return new FlatTable(buffer, checkedTarget(buffer, 0));
    }

    /** The four-character file identifier at bytes 4..8 (empty when the bytes are not printable). */
    public static String fileIdentifier(byte[] bytes) {
        if (bytes.length < 8) {
            return "";
        }
        for (int i = 4; i < 8; i++) {
            if (bytes[i] < 0x20 || bytes[i] > 0x7e) {
                return "";
            }
        }
        return new String(bytes, 4, 4, StandardCharsets.US_ASCII);
    }

    /** Where field {@code id}'s value is stored, or 0 when the field is absent. */
    private int fieldPosition(int id) {
        int entry = 4 + 2 * id;
        if (entry + 2 > vtableSize) {
            return 0;
        }
        int offset = Short.toUnsignedInt(buffer.getShort(vtable + entry));
        return offset == 0 ? 0 : position + offset;
    }

    public boolean has(int id) {
        return fieldPosition(id) != 0;
    }

    public int getInt(int id, int defaultValue) {
        int at = fieldPosition(id);
        return at == 0 ? defaultValue : readInt(buffer, at, "int field");
    }

    public long getLong(int id, long defaultValue) {
        int at = fieldPosition(id);
        if (at == 0) {
            return defaultValue;
        }
        check(buffer, at, 8, "long field");
        return buffer.getLong(at);
    }

    public byte getByte(int id, byte defaultValue) {
        int at = fieldPosition(id);
        if (at == 0) {
            return defaultValue;
        }
        check(buffer, at, 1, "byte field");
        return buffer.get(at);
    }

    public boolean getBool(int id, boolean defaultValue) {
        return getByte(id, (byte) (defaultValue ? 1 : 0)) != 0;
    }

    public float getFloat(int id, float defaultValue) {
        int at = fieldPosition(id);
        if (at == 0) {
            return defaultValue;
        }
        check(buffer, at, 4, "float field");
        return buffer.getFloat(at);
    }

    /** The sub-table in field {@code id}, or null when absent. */
    public FlatTable getTable(int id) {
        int at = fieldPosition(id);
        return at == 0 ? null : new FlatTable(buffer, checkedTarget(buffer, at));
    }

    public String getString(int id) {
        int start = vectorStart(id, 1);
        if (start < 0) {
            return null;
        }
        int length = buffer.getInt(start - 4);
        byte[] bytes = new byte[length];
        buffer.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Number of elements of the vector in field {@code id}, 0 when absent. */
    public int vectorLength(int id) {
        int at = fieldPosition(id);
        if (at == 0) {
            return 0;
        }
        int vector = checkedTarget(buffer, at);
        return readInt(buffer, vector, "vector length");
    }

    public int[] getIntVector(int id) {
        int start = vectorStart(id, 4);
        if (start < 0) {
            return new int[0];
        }
        int[] values = new int[buffer.getInt(start - 4)];
        for (int i = 0; i < values.length; i++) {
            values[i] = buffer.getInt(start + 4 * i);
        }
        return values;
    }

    public long[] getLongVector(int id) {
        int start = vectorStart(id, 8);
        if (start < 0) {
            return new long[0];
        }
        long[] values = new long[buffer.getInt(start - 4)];
        for (int i = 0; i < values.length; i++) {
            values[i] = buffer.getLong(start + 8 * i);
        }
        return values;
    }

    public float[] getFloatVector(int id) {
        int start = vectorStart(id, 4);
        if (start < 0) {
            return new float[0];
        }
        float[] values = new float[buffer.getInt(start - 4)];
        for (int i = 0; i < values.length; i++) {
            values[i] = buffer.getFloat(start + 4 * i);
        }
        return values;
    }

    /** A copy of the byte vector in field {@code id}, or null when absent. */
    public byte[] getByteVector(int id) {
        int start = vectorStart(id, 1);
        if (start < 0) {
            return null;
        }
        byte[] bytes = new byte[buffer.getInt(start - 4)];
        buffer.get(start, bytes);
        return bytes;
    }

    /** The tables of the vector of tables in field {@code id} (empty when absent). */
    public List<FlatTable> getTableVector(int id) {
        int start = vectorStart(id, 4);
        if (start < 0) {
            return List.of();
        }
        int length = buffer.getInt(start - 4);
        List<FlatTable> tables = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            tables.add(new FlatTable(buffer, checkedTarget(buffer, start + 4 * i)));
        }
        return tables;
    }

    /** Start of the elements of the vector in field {@code id}, after checking it fits; -1 when absent. */
    private int vectorStart(int id, int elementSize) {
        int at = fieldPosition(id);
        if (at == 0) {
            return -1;
        }
        int vector = checkedTarget(buffer, at);
        long length = Integer.toUnsignedLong(readInt(buffer, vector, "vector length"));
        if (vector + 4 + length * elementSize > buffer.limit()) {
            throw new TinyException("corrupt flatbuffer: a vector of " + length + " elements at byte " + vector
                    + " runs past the end of the file (" + buffer.limit() + " bytes)");
        }
        return vector + 4;
    }

    private static int checkedTarget(ByteBuffer buffer, int at) {
        long target = at + Integer.toUnsignedLong(readInt(buffer, at, "offset"));
        if (target + 4 > buffer.limit()) {
            throw new TinyException("corrupt flatbuffer: an offset at byte " + at + " points past the end of the file");
        }
        return (int) target;
    }

    private static int readInt(ByteBuffer buffer, int at, String what) {
        check(buffer, at, 4, what);
        return buffer.getInt(at);
    }

    private static void check(ByteBuffer buffer, int at, int size, String what) {
        if (at < 0 || at + size > buffer.limit()) {
            throw new TinyException("corrupt flatbuffer: " + what + " at byte " + at + " is outside the file ("
                    + buffer.limit() + " bytes)");
        }
    }
}
