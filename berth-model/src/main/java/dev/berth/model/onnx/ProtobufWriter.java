package dev.berth.model.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes protocol-buffers wire format: the few field kinds an ONNX graph needs. */
public final class ProtobufWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public ProtobufWriter varint(int field, long value) {
        key(field, ProtobufReader.VARINT);
        writeVarint(value);
        return this;
    }

    public ProtobufWriter bytes(int field, byte[] value) {
        key(field, ProtobufReader.LEN);
        writeVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    public ProtobufWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    public ProtobufWriter message(int field, ProtobufWriter message) {
        return bytes(field, message.toByteArray());
    }

    /** A 32-bit float field, little-endian (ONNX's float_data is packed, so most writers use {@link #bytes}). */
    public ProtobufWriter fixed32(int field, int bits) {
        key(field, ProtobufReader.FIXED32);
        for (int i = 0; i < 4; i++) {
            out.write(bits >>> (8 * i));
        }
        return this;
    }

    public ProtobufWriter raw(byte[] buf, int offset, int length) {
        out.write(buf, offset, length);
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    private void key(int field, int wireType) {
        writeVarint(((long) field << 3) | wireType);
    }

    private void writeVarint(long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
