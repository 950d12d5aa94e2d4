package dev.berth.oci.archive;

import dev.berth.oci.OciException;
import java.util.Locale;

/** The two archive formats {@code berth save} writes and {@code berth load} reads. */
public enum ArchiveFormat {
    /** A tar of an OCI image layout: {@code oci-layout}, {@code index.json}, {@code blobs/ALG/HEX}. */
    OCI,
    /** What {@code docker save} wrote before OCI layouts: {@code manifest.json}, {@code repositories}, uncompressed layer tars. */
    DOCKER;

    /** Parses a user's word: {@code oci} / {@code oci-archive}, {@code docker} / {@code docker-archive}. */
    public static ArchiveFormat parse(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "oci", "oci-archive" -> OCI;
            case "docker", "docker-archive" -> DOCKER;
            default -> throw new OciException("unknown archive format '" + word + "': expected oci or docker");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
