package dev.berth.model.packaging;

/** Where things live inside a packaged model image, and who the server runs as. */
public final class ImageLayout {
    /** The jlinked Java runtime (the same place as in Temurin's images, so JAVA_HOME reads familiar). */
    public static final String JAVA_HOME = "/opt/java/openjdk";
    /** The model server's jars. */
    public static final String SERVER_LIB = "/opt/berth/lib";
    /** ONNX Runtime's native libraries, taken out of its jar so nothing is unpacked at start. */
    public static final String SERVER_NATIVE = "/opt/berth/native";
    /** The server's main class. */
    public static final String MAIN_CLASS = "dev.berth.model.server.ServerMain";
    /** The unprivileged user the server runs as (distroless' "nonroot"). */
    public static final int NONROOT_UID = 65532;
    /** Every file in every layer carries this mtime (1970-01-01T00:00:01Z, as Jib does): layers depend on content only. */
    public static final long LAYER_MTIME = 1;

    private ImageLayout() {
    }
}
