package dev.berth.oci.layer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes POSIX (pax) tar: ustar headers, plus a PAX extended header only when a value does not fit ustar exactly
 * (long or non-ASCII names, big sizes or ids). Written by hand rather than with a library so every header byte is
 * decided here: no atime/ctime, no host user names, no clock, and PAX records in sorted order.
 */
final class TarWriter {
    static final int BLOCK = 512;
    private static final long MAX_OCTAL_11 = 077777777777L;
    private static final long MAX_OCTAL_7 = 07777777L;
    private static final byte[] ZEROS = new byte[BLOCK * 2];

    private final OutputStream out;
    private long remaining;
    private long padding;

    TarWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes the header(s) of an entry; for files, exactly {@code entry.size()} content bytes must follow. */
    void putEntry(TarEntry entry) throws IOException {
        if (remaining != 0) {
            throw new IllegalStateException("previous entry is missing " + remaining + " content bytes");
        }
        writePadding();
        String name = entry.isDirectory() ? entry.name() + "/" : entry.name();
        SortedMap<String, String> pax = new TreeMap<>();
        byte[] nameBytes = ustarText(name, 100, "path", pax);
        byte[] linkBytes = ustarText(entry.linkName(), 100, "linkpath", pax);
        byte[] unameBytes = ustarText(entry.uname(), 32, "uname", pax);
        byte[] gnameBytes = ustarText(entry.gname(), 32, "gname", pax);
        long size = ustarNumber(entry.size(), MAX_OCTAL_11, "size", pax);
        long uid = ustarNumber(entry.uid(), MAX_OCTAL_7, "uid", pax);
        long gid = ustarNumber(entry.gid(), MAX_OCTAL_7, "gid", pax);
        long mtime = ustarNumber(entry.mtime(), MAX_OCTAL_11, "mtime", pax);
        if (!pax.isEmpty()) {
            byte[] body = PaxRecords.encode(pax);
            // A fixed, name-derived header name (as GNU tar does) so nothing varies between runs.
            byte[] paxName = truncate(Utf8.bytes("PaxHeaders/" + name), 100);
            out.write(header(paxName, 0644, 0, 0, body.length, mtime, TarEntry.PAX_LOCAL, new byte[0],
                    new byte[0], new byte[0], 0, 0));
            out.write(body);
            out.write(ZEROS, 0, padTo(body.length));
        }
        out.write(header(nameBytes, entry.mode() & 07777, uid, gid, size, mtime, entry.type(), linkBytes,
                unameBytes, gnameBytes, entry.devMajor(), entry.devMinor()));
        remaining = entry.isRegularFile() ? entry.size() : 0;
        padding = padTo(remaining);
    }

    void write(byte[] data, int offset, int length) throws IOException {
        if (length > remaining) {
            throw new IllegalStateException("more content than the entry's declared size");
        }
        out.write(data, offset, length);
        remaining -= length;
    }

    /** Copies exactly the entry's remaining size from {@code in}; a source that is shorter or longer is an error. */
    void copyContent(InputStream in, byte[] buffer, String what) throws IOException {
        while (remaining > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new IOException(what + " shrank while it was being written");
            }
            write(buffer, 0, n);
        }
        if (in.read() >= 0) {
            throw new IOException(what + " grew while it was being written");
        }
    }

    /** Two zero blocks end the archive; no further record padding, as containerd and Go's archive/tar do. */
    void finish() throws IOException {
        if (remaining != 0) {
            throw new IllegalStateException("last entry is missing " + remaining + " content bytes");
        }
        writePadding();
        out.write(ZEROS);
    }

    private void writePadding() throws IOException {
        out.write(ZEROS, 0, (int) padding);
        padding = 0;
    }

    private static int padTo(long length) {
        return (int) ((BLOCK - length % BLOCK) % BLOCK);
    }

    /** The ustar field bytes; when the text is too long or not plain ASCII it also goes to PAX, which is UTF-8. */
    private static byte[] ustarText(String text, int width, String paxKey, SortedMap<String, String> pax) {
        byte[] bytes = Utf8.bytes(text);
        boolean ascii = bytes.length == text.length();
        if (bytes.length > width || !ascii) {
            pax.put(paxKey, text);
            return truncate(bytes, width);
        }
        return bytes;
    }

    private static long ustarNumber(long value, long max, String paxKey, SortedMap<String, String> pax) {
        if (value < 0 || value > max) {
            pax.put(paxKey, Long.toString(value));
            return value < 0 ? 0 : max;
        }
        return value;
    }

    private static byte[] truncate(byte[] bytes, int width) {
        return bytes.length <= width ? bytes : Arrays.copyOf(bytes, width);
    }

    private static byte[] header(byte[] name, int mode, long uid, long gid, long size, long mtime, byte type,
            byte[] link, byte[] uname, byte[] gname, long devMajor, long devMinor) {
        byte[] h = new byte[BLOCK];
        System.arraycopy(name, 0, h, 0, name.length);
        octal(h, 100, 8, mode);
        octal(h, 108, 8, uid);
        octal(h, 116, 8, gid);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        h[156] = type;
        System.arraycopy(link, 0, h, 157, link.length);
        System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
        System.arraycopy(uname, 0, h, 265, uname.length);
        System.arraycopy(gname, 0, h, 297, gname.length);
        number(h, 329, 8, devMajor);
        number(h, 337, 8, devMinor);
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        return h;
    }

    /** Zero-padded octal, NUL-terminated, filling the field. */
    private static void octal(byte[] h, int offset, int width, long value) {
        String digits = Long.toOctalString(value);
        int pad = width - 1 - digits.length();
        for (int i = 0; i < pad; i++) {
            h[offset + i] = '0';
        }
        for (int i = 0; i < digits.length(); i++) {
            h[offset + pad + i] = (byte) digits.charAt(i);
        }
        h[offset + width - 1] = 0;
    }

    /** Octal when it fits, else GNU base-256 (PAX has no device-number keys). */
    private static void number(byte[] h, int offset, int width, long value) {
        if (value >= 0 && value <= MAX_OCTAL_7) {
            octal(h, offset, width, value);
            return;
        }
        for (int i = width - 1; i > 0; i--) {
            h[offset + i] = (byte) value;
            value >>>= 8;
        }
        h[offset] = (byte) 0x80;
    }
}
