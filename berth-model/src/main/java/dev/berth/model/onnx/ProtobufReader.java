package dev.berth.model.onnx;

import dev.berth.model.ModelException;
import java.nio.charset.StandardCharsets;

/**
 * Walks the fields of one protocol-buffers message in wire format, enough to read and rewrite an ONNX model's graph
 * without the generated ONNX classes (the server's class path stays small).
 */
public final class ProtobufReader {
    public static final int VARINT = 0;
    public static final int FIXED64 = 1;
    public static final int LEN = 2;
    public static final int FIXED32 = 5;

    private final byte[] buf;
    private final int end;
    private int pos;
    private int field;
    private int wireType;
    private int fieldStart;
    private long varint;
    private int valueStart;
    private int valueLength;

    public ProtobufReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    public ProtobufReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    /** Moves to the next field; false at the end of the message. */
    public boolean next() {
        if (pos >= end) {
            return false;
        }
        fieldStart = pos;
        long key = readVarint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        switch (wireType) {
            case VARINT -> varint = readVarint();
            case FIXED64 -> skip(8);
            case FIXED32 -> skip(4);
            case LEN -> {
                long n = readVarint();
                if (n < 0 || n > end - pos) {
                    throw new ModelException("malformed protocol buffer: a field of " + n + " bytes runs past the end");
                }
                valueLength = (int) n;
                skip(valueLength);
            }
            default -> throw new ModelException("malformed protocol buffer: unsupported wire type " + wireType);
        }
        if (wireType != LEN) {
            valueLength = pos - valueStart;
        }
        return true;
    }

    public int field() {
        return field;
    }

    public int wireType() {
        return wireType;
    }

    /** The value of a VARINT field. */
    public long varint() {
        return varint;
    }

    /** The payload of a LEN field (or the raw bytes of a fixed one). */
    public ProtobufReader message() {
        return new ProtobufReader(buf, valueStart, valueLength);
    }

    public String string() {
        return new String(buf, valueStart, valueLength, StandardCharsets.UTF_8);
    }

    /** The whole current field as it is on the wire, key included, to copy it unchanged. */
    public void copyFieldTo(ProtobufWriter out) {
        out.raw(buf, fieldStart, pos - fieldStart);
    }

    private void skip(int n) {
        if (n > end - pos) {
            throw new ModelException("malformed protocol buffer: truncated field");
        }
        valueStart = pos;
        pos += n;
    }

    private long readVarint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new ModelException("malformed protocol buffer: truncated number");
            }
            byte b = buf[pos++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                valueStart = pos;
                return value;
            }
        }
        throw new ModelException("malformed protocol buffer: number longer than 10 bytes");
    }
}
