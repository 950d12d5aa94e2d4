package dev.berth.oci.layer;

import dev.berth.oci.OciException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;

/** The body of a PAX extended header: records {@code "<length> <key>=<value>\n"}, length counting the whole record. */
final class PaxRecords {
    private PaxRecords() {
    }

    /** Encodes in the map's (sorted) order so the same attributes always give the same bytes. */
    static byte[] encode(SortedMap<String, String> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        records.forEach((key, value) -> {
            byte[] body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
            // The length prefix counts its own digits: grow it until it is self-consistent.
            int length = body.length + 1;
            while (length != body.length + Integer.toString(length).length()) {
                length = body.length + Integer.toString(length).length();
            }
            out.writeBytes(Integer.toString(length).getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(body);
        });
        return out.toByteArray();
    }

    /** Parses strictly: a malformed record is an error rather than something to guess around. */
    static Map<String, String> decode(byte[] data, String entryName) {
        Map<String, String> records = new LinkedHashMap<>();
        int pos = 0;
        while (pos < data.length) {
            if (data[pos] == 0) {
                break; // some writers pad the body with NULs
            }
            int space = pos;
            long length = 0;
            while (space < data.length && data[space] >= '0' && data[space] <= '9' && length <= data.length) {
                length = length * 10 + (data[space] - '0');
                space++;
            }
            if (space == pos || space >= data.length || data[space] != ' ' || length <= space - pos + 1
                    || pos + length > data.length || data[(int) (pos + length - 1)] != '\n') {
                throw new OciException("malformed PAX header before entry '" + entryName + "'");
            }
            int end = (int) (pos + length - 1);
            int equals = space + 1;
            while (equals < end && data[equals] != '=') {
                equals++;
            }
            if (equals == end || equals == space + 1) {
                throw new OciException("malformed PAX record before entry '" + entryName + "'");
            }
            String key = new String(data, space + 1, equals - space - 1, StandardCharsets.UTF_8);
            String value = Utf8.decode(data, equals + 1, end - equals - 1, "PAX " + key + " before '" + entryName + "'");
            records.put(key, value);
            pos = end + 1;
        }
        return records;
    }
}
