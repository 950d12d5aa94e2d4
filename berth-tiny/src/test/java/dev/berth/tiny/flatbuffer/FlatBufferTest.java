package dev.berth.tiny.flatbuffer;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.flatbuffer.FlatBufferWriter.Table;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlatBufferTest {

    private static byte[] sample() {
        Table child = new Table().addInt(0, -7).addString(1, "inner");
        Table root = new Table()
                .addByte(0, -3)
                .addInt(2, 123456)
                .addLong(3, 1L << 40)
                .addFloat(4, 1.5f)
                .addString(5, "héllo")
                .addIntVector(6, 1, -2, 3)
                .addLongVector(7, 5L, -6L)
                .addFloatVector(8, 0.25f)
                .addByteVector(9, new byte[] {9, 8, 7})
                .addTable(10, child)
                .addTableVector(11, List.of(new Table().addInt(0, 1), new Table(), new Table().addInt(0, 3)));
        return FlatBufferWriter.finish(root, "TEST");
    }

    @Test
    void whatTheWriterWritesTheReaderReads() {
        byte[] bytes = sample();
        assertThat(FlatTable.fileIdentifier(bytes)).isEqualTo("TEST");
        FlatTable root = FlatTable.root(bytes);
        assertThat(root.getByte(0, (byte) 0)).isEqualTo((byte) -3);
        assertThat(root.has(1)).isFalse();
        assertThat(root.getInt(1, 42)).isEqualTo(42);
        assertThat(root.getInt(2, 0)).isEqualTo(123456);
        assertThat(root.getLong(3, 0)).isEqualTo(1L << 40);
        assertThat(root.getFloat(4, 0)).isEqualTo(1.5f);
        assertThat(root.getString(5)).isEqualTo("héllo");
        assertThat(root.getIntVector(6)).containsExactly(1, -2, 3);
        assertThat(root.getLongVector(7)).containsExactly(5L, -6L);
        assertThat(root.getFloatVector(8)).containsExactly(0.25f);
        assertThat(root.getByteVector(9)).containsExactly(9, 8, 7);
        assertThat(root.getTable(10).getInt(0, 0)).isEqualTo(-7);
        assertThat(root.getTable(10).getString(1)).isEqualTo("inner");
        assertThat(root.getTableVector(11)).extracting(t -> t.getInt(0, -1)).containsExactly(1, -1, 3);
        assertThat(root.getTable(99)).isNull();
        assertThat(root.getIntVector(99)).isEmpty();
    }

    @Test
    void truncatedOrCorruptBuffersFailWithATinyExceptionOnly() {
        byte[] bytes = sample();
        Random random = new Random(1);
        for (int n = 0; n < 3000; n++) {
            byte[] damaged = n % 2 == 0 ? Arrays.copyOf(bytes, random.nextInt(bytes.length)) : bytes.clone();
            if (n % 2 == 1) {
                for (int k = 0; k < 3; k++) {
                    damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                }
            }
            try {
                FlatTable root = FlatTable.root(damaged);
                root.getString(5);
                root.getIntVector(6);
                root.getLongVector(7);
                root.getByteVector(9);
                FlatTable child = root.getTable(10);
                if (child != null) {
                    child.getString(1);
                }
                root.getTableVector(11).forEach(t -> t.getInt(0, 0));
            } catch (TinyException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void tooShortIsNotAFlatBuffer() {
        assertThatThrownBy(() -> FlatTable.root(new byte[3])).isInstanceOf(TinyException.class)
                .hasMessage("not a flatbuffer: only 3 bytes");
    }
}
