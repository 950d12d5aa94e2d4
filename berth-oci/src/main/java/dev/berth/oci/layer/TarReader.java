package dev.berth.oci.layer;

import dev.berth.oci.OciException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads tar (ustar, pax, GNU long names) with hard bounds, for archives that may be hostile.
 *
 * <p>Not Commons Compress: its TarArchiveInputStream (1.28) buffers a GNU long-name entry of any declared size
 * ({@code getLongNameData} reads to the entry's end into a growing array), and parses PAX headers and PAX 1.0 sparse
 * maps inside {@code getNextEntry} before a caller can look at them, so a small compressed layer can make it allocate
 * gigabytes. Here every metadata record is size-checked from its header before a byte of it is read: PAX and GNU
 * long-name records together are capped at {@link #MAX_META_BYTES} per entry, names at {@link #MAX_NAME_BYTES}, and
 * sparse files are refused outright. File content is never buffered; it streams through {@link #content()}.
 */
public final class TarReader {
    static final int MAX_NAME_BYTES = 4096;
    static final int MAX_META_BYTES = 1 << 20;
    private static final int BLOCK = TarWriter.BLOCK;

    private static final java.util.regex.Pattern PAX_TIME = java.util.regex.Pattern.compile("(-?)(\\d{1,18})(?:\\.(\\d*))?");

    private final InputStream in;
    private final byte[] header = new byte[BLOCK];
    private long remaining;
    private long padding;
    private long index;
    private boolean atEnd;

    public TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null at the end-of-archive marker (or a clean end of stream on a block boundary). */
    public TarEntry next() throws IOException {
        skipContent();
        if (atEnd) {
            return null;
        }
        Map<String, String> pax = new HashMap<>();
        String longName = null;
        String longLink = null;
        long metaBytes = 0;
        while (true) {
            index++;
            boolean metaPending = metaBytes > 0 || longName != null || longLink != null;
            if (!readBlock()) {
                if (metaPending) {
                    throw new OciException("tar ends right after the extended header of entry #" + index);
                }
                atEnd = true;
                return null;
            }
            if (isZeroBlock()) {
                if (metaPending) {
                    throw new OciException("tar has an extended header but no entry after it (entry #" + index + ")");
                }
                atEnd = true;
                return null;
            }
            verifyChecksum();
            String headerName = ustarName();
            byte type = header[156];
            long size = number(124, 12, headerName);
            switch (type) {
                case TarEntry.PAX_LOCAL, TarEntry.PAX_GLOBAL -> {
                    metaBytes += checkMetaSize(size, metaBytes, "PAX header", headerName);
                    Map<String, String> records = PaxRecords.decode(readMeta(size), headerName);
                    refuseSparse(records.keySet(), headerName);
                    if (type == TarEntry.PAX_LOCAL) {
                        pax.putAll(records);
                    } // global headers only carry comments in practice (git archive); nothing in them is applied
                }
                case TarEntry.GNU_LONG_NAME, TarEntry.GNU_LONG_LINK -> {
                    String what = type == TarEntry.GNU_LONG_NAME ? "GNU long name" : "GNU long link name";
                    if (size > MAX_NAME_BYTES + 1) {
                        throw new OciException("refusing " + what + " header '" + headerName + "' of " + size
                                + " bytes (entry #" + index + "): names are limited to " + MAX_NAME_BYTES + " bytes");
                    }
                    metaBytes += checkMetaSize(size, metaBytes, what, headerName);
                    byte[] data = readMeta(size);
                    String text = Utf8.decode(data, 0, cStringLength(data, 0, data.length), what + " of entry #" + index);
                    if (type == TarEntry.GNU_LONG_NAME) {
                        longName = text;
                    } else {
                        longLink = text;
                    }
                }
                case TarEntry.GNU_SPARSE -> throw new OciException(
                        "refusing sparse file '" + headerName + "': sparse entries are not supported in layers");
                default -> {
                    return entry(type, size, headerName, pax, longName, longLink);
                }
            }
        }
    }

    private TarEntry entry(byte type, long size, String headerName, Map<String, String> pax, String longName,
            String longLink) throws IOException {
        String name = pax.getOrDefault("path", longName != null ? longName : headerName);
        String link = pax.getOrDefault("linkpath", longLink != null ? longLink : text(157, 100, name));
        checkName(name, name, "name");
        checkName(link, name, "link target");
        if (!isKnownType(type)) {
            throw new OciException("refusing entry '" + name + "': unsupported tar entry type '" + (char) type + "'");
        }
        if ((type == TarEntry.FILE || type == TarEntry.OLD_FILE) && name.endsWith("/")) {
            type = TarEntry.DIRECTORY; // pre-POSIX tars mark directories only by the trailing slash
        }
        size = paxNumber(pax, "size", size, name);
        boolean hasContent = type == TarEntry.FILE || type == TarEntry.OLD_FILE || type == TarEntry.CONTIGUOUS;
        if (size < 0) {
            throw new OciException("refusing entry '" + name + "': negative size");
        }
        // Like Go's archive/tar, header-only types never have content whatever their size field says.
        remaining = hasContent ? size : 0;
        padding = (BLOCK - remaining % BLOCK) % BLOCK;
        return new TarEntry(type, name, link,
                (int) (number(100, 8, name) & 07777),
                paxNumber(pax, "uid", number(108, 8, name), name),
                paxNumber(pax, "gid", number(116, 8, name), name),
                remaining,
                paxTime(pax, number(136, 12, name), name),
                pax.getOrDefault("uname", text(265, 32, name)),
                pax.getOrDefault("gname", text(297, 32, name)),
                number(329, 8, name),
                number(337, 8, name));
    }

    /** The current entry's content; reading past it returns end of stream. */
    public InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("tar ends inside an entry's content");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private void skipContent() throws IOException {
        in.skipNBytes(remaining + padding);
        remaining = 0;
        padding = 0;
    }

    private static boolean isKnownType(byte type) {
        return switch (type) {
            case TarEntry.FILE, TarEntry.OLD_FILE, TarEntry.CONTIGUOUS, TarEntry.HARD_LINK, TarEntry.SYMLINK,
                 TarEntry.CHAR_DEVICE, TarEntry.BLOCK_DEVICE, TarEntry.DIRECTORY, TarEntry.FIFO -> true;
            default -> false;
        };
    }

    private long checkMetaSize(long size, long soFar, String what, String headerName) {
        if (size < 0 || size > MAX_META_BYTES - soFar) {
            throw new OciException("refusing " + what + " '" + headerName + "' (entry #" + index + "): declares "
                    + size + " bytes, more than the " + MAX_META_BYTES + " bytes of extended headers allowed per entry");
        }
        return size;
    }

    private byte[] readMeta(long size) throws IOException {
        byte[] data = in.readNBytes((int) size);
        if (data.length != size) {
            throw new OciException("tar ends inside an extended header (entry #" + index + ")");
        }
        in.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
        return data;
    }

    private static void refuseSparse(Iterable<String> keys, String headerName) {
        for (String key : keys) {
            if (key.startsWith("GNU.sparse.")) {
                throw new OciException("refusing sparse file described by '" + headerName
                        + "': sparse entries are not supported in layers");
            }
        }
    }

    private void checkName(String name, String entry, String what) {
        if (Utf8.bytes(name).length > MAX_NAME_BYTES) {
            throw new OciException("refusing entry '" + abbreviate(entry) + "': its " + what + " is longer than "
                    + MAX_NAME_BYTES + " bytes");
        }
        if (name.indexOf('\0') >= 0) {
            throw new OciException("refusing entry '" + abbreviate(entry) + "': its " + what + " contains a NUL byte");
        }
    }

    static String abbreviate(String name) {
        return name.length() <= 200 ? name : name.substring(0, 200) + "…";
    }

    private boolean readBlock() throws IOException {
        int n = in.readNBytes(header, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n < BLOCK) {
            throw new OciException("tar is truncated: it ends inside a header (entry #" + index + ")");
        }
        return true;
    }

    private boolean isZeroBlock() {
        for (byte b : header) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** Old tars summed signed bytes; accept either sum, as GNU tar does. */
    private void verifyChecksum() {
        long stored = number(148, 8, "#" + index);
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            byte b = i >= 148 && i < 156 ? (byte) ' ' : header[i];
            unsigned += b & 0xff;
            signed += b;
        }
        if (stored != unsigned && stored != signed) {
            throw new OciException("not a tar archive, or a corrupt one: bad header checksum at entry #" + index);
        }
    }

    /** name, with the ustar prefix joined on when the header has the ustar magic. */
    private String ustarName() {
        String name = text(0, 100, "#" + index);
        boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r';
        boolean gnu = ustar && header[262] == ' '; // GNU's "ustar  " uses the prefix bytes for other things
        if (ustar && !gnu && header[345] != 0) {
            return text(345, 155, name) + "/" + name;
        }
        return name;
    }

    private String text(int offset, int width, String entry) {
        return Utf8.decode(header, offset, cStringLength(header, offset, width), "a header field of entry '" + entry + "'");
    }

    private static int cStringLength(byte[] data, int offset, int width) {
        int length = 0;
        while (length < width && data[offset + length] != 0) {
            length++;
        }
        return length;
    }

    /** Octal (space/NUL padded) or GNU base-256 for values octal cannot hold. */
    private long number(int offset, int width, String entry) {
        if ((header[offset] & 0x80) != 0) {
            if ((header[offset] & 0x40) != 0) {
                throw new OciException("refusing entry '" + entry + "': negative number in its header");
            }
            long value = header[offset] & 0x3f;
            for (int i = 1; i < width; i++) {
                if (value >>> 55 != 0) {
                    throw new OciException("refusing entry '" + entry + "': number in its header is too large");
                }
                value = (value << 8) | (header[offset + i] & 0xff);
            }
            return value;
        }
        int i = offset;
        int end = offset + width;
        while (i < end && (header[i] == ' ' || header[i] == 0)) {
            i++;
        }
        long value = 0;
        while (i < end && header[i] >= '0' && header[i] <= '7') {
            value = (value << 3) | (header[i] - '0');
            i++;
        }
        while (i < end) {
            if (header[i] != ' ' && header[i] != 0) {
                throw new OciException("not a tar archive, or a corrupt one: bad number in the header of entry '"
                        + entry + "'");
            }
            i++;
        }
        return value;
    }

    private static long paxNumber(Map<String, String> pax, String key, long fallback, String entry) {
        String value = pax.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed < 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new OciException("refusing entry '" + entry + "': bad PAX " + key + " '" + abbreviate(value) + "'");
        }
    }

    /** PAX times are decimal seconds with an optional fraction; Berth keeps whole seconds (floored). */
    private static long paxTime(Map<String, String> pax, long fallback, String entry) {
        String value = pax.get("mtime");
        if (value == null) {
            return fallback;
        }
        // Parsed by hand: BigDecimal would accept exponents like 1e999999999 and then spend forever scaling them.
        java.util.regex.Matcher m = PAX_TIME.matcher(value);
        if (!m.matches()) {
            throw new OciException("refusing entry '" + entry + "': bad PAX mtime '" + abbreviate(value) + "'");
        }
        long seconds = Long.parseLong(m.group(2));
        boolean fraction = m.group(3) != null && !m.group(3).chars().allMatch(c -> c == '0');
        return m.group(1).isEmpty() ? seconds : -seconds - (fraction ? 1 : 0);
    }
}
