package dev.berth.oci.layer;

import dev.berth.oci.OciException;
import dev.berth.oci.image.Compression;
import java.util.Map;

/**
 * How to write a layer.
 *
 * @param mtime the modification time, in seconds since the epoch, stamped on every entry (source times never leak)
 * @param uid owner given to entries scanned from a directory tree (explicit entries carry their own)
 * @param gid group given to entries scanned from a directory tree
 */
public record LayerOptions(Compression compression, int level, long mtime, long uid, long gid) {

    /** gzip at level 6, mtime from SOURCE_DATE_EPOCH (else 0), owned by root. */
    public static LayerOptions defaults() {
        return new LayerOptions(Compression.GZIP, Compressors.DEFAULT_GZIP_LEVEL, sourceDateEpoch(), 0, 0);
    }

    public LayerOptions withCompression(Compression newCompression) {
        return new LayerOptions(newCompression, Compressors.defaultLevel(newCompression), mtime, uid, gid);
    }

    public LayerOptions withLevel(int newLevel) {
        return new LayerOptions(compression, newLevel, mtime, uid, gid);
    }

    public LayerOptions withMtime(long newMtime) {
        return new LayerOptions(compression, level, newMtime, uid, gid);
    }

    public LayerOptions withOwner(long newUid, long newGid) {
        return new LayerOptions(compression, level, mtime, newUid, newGid);
    }

    /** The reproducible-builds timestamp: SOURCE_DATE_EPOCH if set, else 0. */
    public static long sourceDateEpoch() {
        return sourceDateEpoch(System.getenv());
    }

    static long sourceDateEpoch(Map<String, String> environment) {
        String value = environment.get("SOURCE_DATE_EPOCH");
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds < 0) {
                throw new NumberFormatException();
            }
            return seconds;
        } catch (NumberFormatException e) {
            throw new OciException("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not '" + value + "'");
        }
    }
}
