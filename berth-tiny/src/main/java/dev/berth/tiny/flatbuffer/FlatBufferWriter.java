package dev.berth.tiny.flatbuffer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;

/**
 * Writes FlatBuffers from a tree of {@link Table}s, front to back: a parent is written before its children, so
 * every unsigned offset points forward as the format requires. Made for building small models (test models with
 * known weights) rather than for speed.
 */
public final class FlatBufferWriter {
    private FlatBufferWriter() {
    }

    /** A table under construction: field id to value. */
    public static final class Table {
        private final TreeMap<Integer, Object> fields = new TreeMap<>();

        public Table addByte(int id, int value) {
            fields.put(id, new Scalar(new byte[] {(byte) value}));
            return this;
        }

        public Table addBool(int id, boolean value) {
            return addByte(id, value ? 1 : 0);
        }

        public Table addInt(int id, int value) {
            fields.put(id, new Scalar(le(4).putInt(value).array()));
            return this;
        }

        public Table addLong(int id, long value) {
            fields.put(id, new Scalar(le(8).putLong(value).array()));
            return this;
        }

        public Table addFloat(int id, float value) {
            fields.put(id, new Scalar(le(4).putFloat(value).array()));
            return this;
        }

        public Table addTable(int id, Table table) {
            fields.put(id, table);
            return this;
        }

        public Table addString(int id, String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            byte[] withNul = new byte[utf8.length + 1];
            System.arraycopy(utf8, 0, withNul, 0, utf8.length);
            fields.put(id, new ScalarVector(withNul, 1, utf8.length));
            return this;
        }

        public Table addByteVector(int id, byte[] values) {
            fields.put(id, new ScalarVector(values.clone(), 1, values.length));
            return this;
        }

        public Table addIntVector(int id, int... values) {
            ByteBuffer b = le(4 * values.length);
            for (int v : values) {
                b.putInt(v);
            }
            fields.put(id, new ScalarVector(b.array(), 4, values.length));
            return this;
        }

        public Table addLongVector(int id, long... values) {
            ByteBuffer b = le(8 * values.length);
            for (long v : values) {
                b.putLong(v);
            }
            fields.put(id, new ScalarVector(b.array(), 8, values.length));
            return this;
        }

        public Table addFloatVector(int id, float... values) {
            ByteBuffer b = le(4 * values.length);
            for (float v : values) {
                b.putFloat(v);
            }
            fields.put(id, new ScalarVector(b.array(), 4, values.length));
            return this;
        }

        public Table addTableVector(int id, List<Table> tables) {
            fields.put(id, new TableVector(List.copyOf(tables)));
            return this;
        }
    }

    private record Scalar(byte[] bytes) {
    }

    /** Elements already encoded; for strings {@code count} excludes the trailing NUL. */
    private record ScalarVector(byte[] bytes, int elementSize, int count) {
    }

    private record TableVector(List<Table> tables) {
    }

    /** An offset field at {@code at} that must point to {@code target} once the target is written. */
    private record Pending(int at, Object target) {
    }

    /** Serializes {@code root}; {@code fileIdentifier} is 4 ASCII characters or null. */
    public static byte[] finish(Table root, String fileIdentifier) {
        Output out = new Output();
        out.putInt(0); // root offset, patched below
        if (fileIdentifier != null) {
            byte[] id = fileIdentifier.getBytes(StandardCharsets.US_ASCII);
            if (id.length != 4) {
                throw new IllegalArgumentException("a file identifier has 4 characters: " + fileIdentifier);
            }
            out.write(id);
        }
        Deque<Pending> queue = new ArrayDeque<>();
        queue.add(new Pending(0, root));
        while (!queue.isEmpty()) {
            Pending pending = queue.poll();
            int position = switch (pending.target()) {
                case Table table -> writeTable(out, table, queue);
                case ScalarVector vector -> writeScalarVector(out, vector);
                case TableVector vector -> writeTableVector(out, vector, queue);
                default -> throw new IllegalStateException();
            };
            out.patchInt(pending.at(), position - pending.at());
        }
        return out.toByteArray();
    }

    private static int writeTable(Output out, Table table, Deque<Pending> queue) {
        int maxId = table.fields.isEmpty() ? -1 : table.fields.lastKey();
        // Lay the table out first: soffset, then each field aligned to its size (references are 4 bytes).
        int[] fieldOffsets = new int[maxId + 1];
        int size = 4;
        int alignment = 4;
        List<Integer> ids = new ArrayList<>(table.fields.keySet());
        for (int id : ids) {
            int fieldSize = fieldSize(table.fields.get(id));
            size = alignUp(size, fieldSize);
            fieldOffsets[id] = size;
            size += fieldSize;
            alignment = Math.max(alignment, fieldSize);
        }
        int vtableSize = 4 + 2 * (maxId + 1);
        out.align(2);
        int vtable = out.size();
        out.putShort(vtableSize);
        out.putShort(size);
        for (int id = 0; id <= maxId; id++) {
            out.putShort(table.fields.containsKey(id) ? fieldOffsets[id] : 0);
        }
        out.align(alignment);
        int start = out.size();
        out.putInt(start - vtable);
        for (int id : ids) {
            out.padTo(start + fieldOffsets[id]);
            Object value = table.fields.get(id);
            if (value instanceof Scalar scalar) {
                out.write(scalar.bytes());
            } else {
                queue.add(new Pending(out.size(), value));
                out.putInt(0);
            }
        }
        out.padTo(start + size);
        return start;
    }

    private static int writeScalarVector(Output out, ScalarVector vector) {
        int elementAlignment = Math.max(4, vector.elementSize());
        // The length sits right before the elements, which must be aligned to their size.
        while ((out.size() + 4) % elementAlignment != 0) {
            out.write(new byte[] {0});
        }
        int position = out.size();
        out.putInt(vector.count());
        out.write(vector.bytes());
        return position;
    }

    private static int writeTableVector(Output out, TableVector vector, Deque<Pending> queue) {
        out.align(4);
        int position = out.size();
        out.putInt(vector.tables().size());
        for (Table table : vector.tables()) {
            queue.add(new Pending(out.size(), table));
            out.putInt(0);
        }
        return position;
    }

    private static int fieldSize(Object value) {
        return value instanceof Scalar scalar ? scalar.bytes().length : 4;
    }

    private static int alignUp(int value, int alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static final class Output extends ByteArrayOutputStream {
        void putInt(int v) {
            write(le(4).putInt(v).array(), 0, 4);
        }

        void putShort(int v) {
            write(le(2).putShort((short) v).array(), 0, 2);
        }

        void align(int alignment) {
            padTo(alignUp(count, alignment));
        }

        void padTo(int position) {
            while (count < position) {
                write(0);
            }
        }

        void patchInt(int at, int v) {
            ByteBuffer.wrap(buf, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(v);
        }

        @Override
        public void write(byte[] b) {
            write(b, 0, b.length);
        }
    }
}
