package dev.berth.model;

/**
 * The image labels that make a packaged model self-describing. {@code berth model package} writes them, {@code berth
 * inspect}, {@code berth model history}, {@code berth deploy} and {@code berth kube manifests} read them; a registry
 * carries them with the image, so a version pulled elsewhere still says what it is and where it came from.
 */
public final class ModelLabels {
    /** The model's name as the inference protocol addresses it ({@code /v2/models/NAME}). */
    public static final String NAME = "dev.berth.model.name";
    /** The model's version, the tag it was packaged as unless given otherwise. */
    public static final String VERSION = "dev.berth.model.version";
    /** sha256 of the model file, hex, so two images can be told to carry the same model. */
    public static final String SHA256 = "dev.berth.model.sha256";
    /** The model's inputs as JSON: [{"name":…,"datatype":…,"shape":[…]}], datatypes in the protocol's names. */
    public static final String INPUTS = "dev.berth.model.inputs";
    /** The model's outputs, in the same form as {@link #INPUTS}. */
    public static final String OUTPUTS = "dev.berth.model.outputs";
    /** The TCP port the server listens on inside the container. */
    public static final String PORT = "dev.berth.model.port";
    /** Default memory limit in bytes chosen when packaging ({@code --memory}); deployments use it unless told. */
    public static final String MEMORY = "dev.berth.model.memory";
    /** Default CPU limit chosen when packaging, in CPUs ("1.5"); absent means none. */
    public static final String CPUS = "dev.berth.model.cpus";
    /** Dynamic batching: maximum batch size, absent when batching is off. */
    public static final String BATCH_MAX_SIZE = "dev.berth.model.batch.max-size";
    /** Dynamic batching: longest a request waits for others, ISO-8601 duration ("PT0.002S"). */
    public static final String BATCH_MAX_DELAY = "dev.berth.model.batch.max-delay";
    /** Who packaged it: "user@host". */
    public static final String BUILT_BY = "dev.berth.built-by";
    /** The Berth version that packaged it. */
    public static final String BERTH_VERSION = "dev.berth.version";
    /** OCI's standard annotations, used as labels too: build time (SOURCE_DATE_EPOCH when set). */
    public static final String CREATED = "org.opencontainers.image.created";
    /** OCI's version annotation, equal to {@link #VERSION}. */
    public static final String OCI_VERSION = "org.opencontainers.image.version";
    /** The git commit of the repository holding the model file, when it sits in one. */
    public static final String REVISION = "org.opencontainers.image.revision";
    /** The git remote or directory of that repository. */
    public static final String SOURCE = "org.opencontainers.image.source";

    /** The port the model server listens on in a packaged image, KServe's usual one. */
    public static final int DEFAULT_PORT = 8080;

    /** Where models live in a packaged image: {@code /models/NAME/model.onnx} and {@code /models/NAME/config.json}. */
    public static final String MODEL_REPOSITORY = "/models";

    private ModelLabels() {
    }
}
