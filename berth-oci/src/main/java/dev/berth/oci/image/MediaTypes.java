package dev.berth.oci.image;

import java.util.Set;

/** The media types of the OCI image spec v1.1 and of Docker's image manifest v2 schema 2, which Berth reads and writes. */
public final class MediaTypes {
    public static final String OCI_LAYOUT_VERSION = "1.0.0";

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    public static final String OCI_LAYER_NONDISTRIBUTABLE_TAR = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    public static final String OCI_LAYER_NONDISTRIBUTABLE_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    public static final String OCI_LAYER_NONDISTRIBUTABLE_ZSTD = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public static final String DOCKER_LAYER_FOREIGN_GZIP = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    private static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    private static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);

    private MediaTypes() {
    }

    public static boolean isManifest(String mediaType) {
        return MANIFESTS.contains(mediaType);
    }

    public static boolean isIndex(String mediaType) {
        return INDEXES.contains(mediaType);
    }

    /** How a layer blob of this media type is compressed; unknown types are an error, not a guess. */
    public static Compression layerCompression(String mediaType) {
        return switch (mediaType) {
            case OCI_LAYER_TAR, OCI_LAYER_NONDISTRIBUTABLE_TAR, "application/vnd.docker.image.rootfs.diff.tar" -> Compression.NONE;
            case OCI_LAYER_GZIP, OCI_LAYER_NONDISTRIBUTABLE_GZIP, DOCKER_LAYER_GZIP, DOCKER_LAYER_FOREIGN_GZIP -> Compression.GZIP;
            case OCI_LAYER_ZSTD, OCI_LAYER_NONDISTRIBUTABLE_ZSTD -> Compression.ZSTD;
            default -> throw new dev.berth.oci.OciException("not a layer media type: " + mediaType);
        };
    }

    public static boolean isLayer(String mediaType) {
        try {
            layerCompression(mediaType);
            return true;
        } catch (dev.berth.oci.OciException e) {
            return false;
        }
    }

    /** The OCI layer media type for a compression. */
    public static String ociLayer(Compression compression) {
        return switch (compression) {
            case NONE -> OCI_LAYER_TAR;
            case GZIP -> OCI_LAYER_GZIP;
            case ZSTD -> OCI_LAYER_ZSTD;
        };
    }
}
