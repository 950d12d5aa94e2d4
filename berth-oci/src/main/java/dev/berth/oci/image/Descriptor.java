package dev.berth.oci.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.berth.oci.digest.Digest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An OCI content descriptor: what a blob is, its digest and its size. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"mediaType", "digest", "size", "urls", "annotations", "data", "platform", "artifactType"})
public record Descriptor(
        String mediaType,
        Digest digest,
        long size,
        List<String> urls,
        Map<String, String> annotations,
        String data,
        Platform platform,
        String artifactType) {

    public Descriptor {
        annotations = annotations == null ? null : new TreeMap<>(annotations);
    }

    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, null, null, null, null);
    }

    public Descriptor withAnnotations(Map<String, String> newAnnotations) {
        return new Descriptor(mediaType, digest, size, urls, newAnnotations, data, platform, artifactType);
    }

    public Descriptor withPlatform(Platform newPlatform) {
        return new Descriptor(mediaType, digest, size, urls, annotations, data, newPlatform, artifactType);
    }

    public Descriptor withMediaType(String newMediaType) {
        return new Descriptor(newMediaType, digest, size, urls, annotations, data, platform, artifactType);
    }

    public String annotation(String key) {
        return annotations == null ? null : annotations.get(key);
    }
}
