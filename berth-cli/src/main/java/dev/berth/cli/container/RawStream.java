package dev.berth.cli.container;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Reads Docker's multiplexed stream (8-byte frame headers: stream 1 stdout, 2 stderr, then a big-endian length). */
final class RawStream {
    private RawStream() {
    }

    static void copy(InputStream body, PrintWriter out, PrintWriter err) throws IOException {
        DataInputStream in = new DataInputStream(body);
        byte[] header = new byte[8];
        while (true) {
            try {
                in.readFully(header);
            } catch (EOFException e) {
                return;
            }
            int length = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
            byte[] payload = in.readNBytes(length);
            PrintWriter target = header[0] == 2 ? err : out;
            target.print(new String(payload, StandardCharsets.UTF_8));
            target.flush();
        }
    }
}
