package dev.berth.registry.server;

import dev.berth.oci.digest.Digest;
import java.nio.charset.StandardCharsets;

/** Hand-written manifests for tests: exact bytes, so their digests are known. */
final class Manifests {
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    private Manifests() {
    }

    static byte[] image(Digest config, long configSize, Digest layer, long layerSize) {
        return image(config, configSize, layer, layerSize, null, null);
    }

    static byte[] image(Digest config, long configSize, Digest layer, long layerSize, String artifactType, Digest subject) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\"");
        if (artifactType != null) {
            json.append(",\"artifactType\":\"").append(artifactType).append('"');
        }
        json.append(",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"")
                .append(config).append("\",\"size\":").append(configSize).append('}');
        json.append(",\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"")
                .append(layer).append("\",\"size\":").append(layerSize).append("}]");
        if (subject != null) {
            json.append(",\"subject\":{\"mediaType\":\"").append(OCI_MANIFEST).append("\",\"digest\":\"").append(subject)
                    .append("\",\"size\":1}");
            json.append(",\"annotations\":{\"org.example.kind\":\"signature\"}");
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }
}
