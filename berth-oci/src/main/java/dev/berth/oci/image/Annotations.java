package dev.berth.oci.image;

/** Annotation keys Berth reads and writes. */
public final class Annotations {
    /** The OCI image layout's name for a manifest in index.json. */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    /** containerd's (and Docker's save) full image name. */
    public static final String CONTAINERD_IMAGE_NAME = "io.containerd.image.name";
    public static final String CREATED = "org.opencontainers.image.created";

    private Annotations() {
    }
}
