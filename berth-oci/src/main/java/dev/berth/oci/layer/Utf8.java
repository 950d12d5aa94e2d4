package dev.berth.oci.layer;

import dev.berth.oci.OciException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/** UTF-8 helpers: strict decoding (a name is either exact or refused) and the byte order layers are sorted in. */
final class Utf8 {
    /** Unsigned byte-wise order of the UTF-8 encodings, which String.compareTo (UTF-16 units) does not give. */
    static final Comparator<String> BYTE_ORDER = (a, b) -> Arrays.compareUnsigned(bytes(a), bytes(b));

    private Utf8() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String decode(byte[] data, int offset, int length, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new OciException(what + " is not valid UTF-8");
        }
    }
}
