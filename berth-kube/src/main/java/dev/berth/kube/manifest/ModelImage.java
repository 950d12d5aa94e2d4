package dev.berth.kube.manifest;

/**
 * What the manifests need to know about a packaged model image, read from its labels.
 *
 * @param modelName the model's name ({@code dev.berth.model.name})
 * @param version the model's version ({@code dev.berth.model.version})
 * @param sha256 hex sha256 of the model file, or null when the image does not say
 * @param port the TCP port the model server listens on in the container
 * @param defaults the memory and CPUs chosen when packaging (either may be absent)
 * @param reference the image reference the cluster pulls, as the registry knows it
 * @param digest the digest of the image's manifest (or index) in Berth's store, {@code sha256:…}
 */
public record ModelImage(String modelName, String version, String sha256, int port, Resources defaults, String reference,
                         String digest) {
    public ModelImage {
        if (port < 1 || port > 65535) {
            throw new dev.berth.kube.KubeException("model port " + port + " is not a TCP port (1 to 65535)");
        }
        defaults = defaults == null ? Resources.NONE : defaults;
    }
}
