package dev.berth.oci.layer;

/**
 * One tar header as Berth reads and writes it (public so that every reader of untrusted tar in Berth, layers and image
 * archives alike, goes through the bounded {@link TarReader}), after PAX and GNU long-name records are folded in. Names are
 * archive-relative with '/' separators; directories carry no trailing slash here (the writer adds it).
 */
public record TarEntry(
        byte type,
        String name,
        String linkName,
        int mode,
        long uid,
        long gid,
        long size,
        long mtime,
        String uname,
        String gname,
        long devMajor,
        long devMinor) {

    static final byte FILE = '0';
    static final byte OLD_FILE = 0;
    static final byte HARD_LINK = '1';
    static final byte SYMLINK = '2';
    static final byte CHAR_DEVICE = '3';
    static final byte BLOCK_DEVICE = '4';
    static final byte DIRECTORY = '5';
    static final byte FIFO = '6';
    static final byte CONTIGUOUS = '7';
    static final byte PAX_LOCAL = 'x';
    static final byte PAX_GLOBAL = 'g';
    static final byte GNU_LONG_NAME = 'L';
    static final byte GNU_LONG_LINK = 'K';
    static final byte GNU_SPARSE = 'S';

    public TarEntry {
        linkName = linkName == null ? "" : linkName;
        uname = uname == null ? "" : uname;
        gname = gname == null ? "" : gname;
    }

    public boolean isRegularFile() {
        return type == FILE || type == OLD_FILE || type == CONTIGUOUS;
    }

    public boolean isDirectory() {
        return type == DIRECTORY;
    }

    public boolean isSymlink() {
        return type == SYMLINK;
    }

    public boolean isHardLink() {
        return type == HARD_LINK;
    }

    public String typeName() {
        return switch (type) {
            case FILE, OLD_FILE, CONTIGUOUS -> "file";
            case HARD_LINK -> "hard link";
            case SYMLINK -> "symlink";
            case CHAR_DEVICE -> "character device";
            case BLOCK_DEVICE -> "block device";
            case DIRECTORY -> "directory";
            case FIFO -> "FIFO";
            default -> "type '" + (char) type + "'";
        };
    }
}
