package dev.berth.tiny.container;

/** The media types of a tiny container's OCI artifact. */
public final class TinyMediaTypes {
    /** The config blob (the checked pipeline) and the manifest's artifactType. */
    public static final String CONFIG = "application/vnd.berth.tiny.config.v1+json";
    public static final String MODEL = "application/vnd.berth.tiny.model.v1+tflite";
    public static final String WASM_BLOCK = "application/vnd.berth.tiny.block.v1+wasm";
    /** The build file as written, kept for provenance. */
    public static final String BUILD_FILE = "application/vnd.berth.tiny.buildfile.v1+yaml";

    public static final String ANNOTATION_FLASH = "dev.berth.tiny.flash-bytes";
    public static final String ANNOTATION_RAM = "dev.berth.tiny.ram-bytes";
    public static final String ANNOTATION_DEVICE = "dev.berth.tiny.device";
    public static final String ANNOTATION_TITLE = "org.opencontainers.image.title";

    private TinyMediaTypes() {
    }
}
