package dev.berth.oci.image;

/** How a layer's tar stream is compressed. */
public enum Compression {
    NONE, GZIP, ZSTD;

    /** Parses a user's word for it: none, gzip, zstd. */
    public static Compression parse(String word) {
        return switch (word.toLowerCase(java.util.Locale.ROOT)) {
            case "none", "uncompressed", "tar" -> NONE;
            case "gzip", "gz" -> GZIP;
            case "zstd", "zst" -> ZSTD;
            default -> throw new dev.berth.oci.OciException("unknown compression '" + word + "': expected gzip, zstd or none");
        };
    }
}
