package dev.berth.model.packaging;

import dev.berth.model.ModelLabels;
import dev.berth.model.packaging.provenance.GitOrigin;
import dev.berth.model.packaging.provenance.Provenance;
import dev.berth.model.repository.ModelConfig;
import dev.berth.oci.image.ContainerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The container config of a packaged model: how the server starts, as whom, and the labels that describe the model. */
public final class ModelImageConfig {
    /** What the base is: "debian bookworm: libc6=2.36-9 …" or the named base image with its digest. */
    public static final String BASE_LABEL = "dev.berth.model.base";
    /** Which Java runs the server: "jlink Temurin 25.0.3+9-LTS: java.base,java.logging" or the named base's. */
    public static final String JAVA_LABEL = "dev.berth.model.java";
    /** The model file's path inside its git repository, next to {@link ModelLabels#REVISION}. */
    public static final String SOURCE_PATH_LABEL = "dev.berth.model.source.path";

    private ModelImageConfig() {
    }

    /** Everything the labels say, gathered by the packager. */
    record Facts(String modelName, String version, String modelSha256, ModelSignature signature, ModelConfig.Batching batching,
            ResourceDefaults resources, Provenance provenance, String base, String java) {
    }

    static Map<String, String> labels(Facts f) {
        Map<String, String> labels = new TreeMap<>();
        labels.put(ModelLabels.NAME, f.modelName());
        labels.put(ModelLabels.VERSION, f.version());
        labels.put(ModelLabels.OCI_VERSION, f.version());
        labels.put(ModelLabels.SHA256, f.modelSha256());
        labels.put(ModelLabels.INPUTS, ModelSignature.toJson(f.signature().inputs()));
        labels.put(ModelLabels.OUTPUTS, ModelSignature.toJson(f.signature().outputs()));
        labels.put(ModelLabels.PORT, Integer.toString(ModelLabels.DEFAULT_PORT));
        if (f.resources().memoryBytes() != null) {
            labels.put(ModelLabels.MEMORY, Long.toString(f.resources().memoryBytes()));
        }
        if (f.resources().cpus() != null) {
            labels.put(ModelLabels.CPUS, f.resources().cpus());
        }
        if (f.batching() != null) {
            labels.put(ModelLabels.BATCH_MAX_SIZE, Integer.toString(f.batching().maxSize()));
            labels.put(ModelLabels.BATCH_MAX_DELAY, f.batching().maxDelay().toString());
        }
        Provenance p = f.provenance();
        labels.put(ModelLabels.BUILT_BY, p.builtBy());
        labels.put(ModelLabels.BERTH_VERSION, p.berthVersion());
        labels.put(ModelLabels.CREATED, p.created().toString());
        GitOrigin git = p.git();
        if (git != null) {
            labels.put(ModelLabels.REVISION, git.revision());
            labels.put(ModelLabels.SOURCE, git.source());
            labels.put(SOURCE_PATH_LABEL, git.path());
        }
        labels.put(BASE_LABEL, f.base());
        labels.put(JAVA_LABEL, f.java());
        return labels;
    }

    /**
     * The container config. Labels and environment of a named base are kept unless the model's override them.
     *
     * @param javaHome where the Java that runs the server is in the image
     */
    static ContainerConfig container(String javaHome, ServerDistribution server, Map<String, String> labels, ContainerConfig base) {
        Map<String, String> env = new LinkedHashMap<>();
        if (base != null && base.env() != null) {
            for (String e : base.env()) {
                int eq = e.indexOf('=');
                env.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
            }
        }
        env.put("PATH", javaHome + "/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("JAVA_HOME", javaHome);
        env.put("LANG", "C.UTF-8");
        List<String> envList = new ArrayList<>();
        env.forEach((k, v) -> envList.add(k + "=" + v));

        Map<String, String> allLabels = new TreeMap<>();
        if (base != null && base.labels() != null) {
            allLabels.putAll(base.labels());
        }
        allLabels.putAll(labels);

        List<String> entrypoint = List.of(javaHome + "/bin/java",
                // a server that ran out of heap is restarted, not left half-alive
                "-XX:+ExitOnOutOfMemoryError",
                // ONNX Runtime's buffers live outside the heap: leave half the container's memory to them
                "-XX:MaxRAMPercentage=50",
                "--enable-native-access=ALL-UNNAMED",
                "-Donnxruntime.native.path=" + ImageLayout.SERVER_NATIVE,
                "-cp", server.classPath(ImageLayout.SERVER_LIB),
                ImageLayout.MAIN_CLASS);
        List<String> cmd = List.of("--model-repository", ModelLabels.MODEL_REPOSITORY, "--port", Integer.toString(ModelLabels.DEFAULT_PORT));
        return ContainerConfig.EMPTY
                .withUser(ImageLayout.NONROOT_UID + ":" + ImageLayout.NONROOT_UID)
                .withExposedPorts(Map.of(ModelLabels.DEFAULT_PORT + "/tcp", Map.of()))
                .withEnv(envList)
                .withEntrypoint(entrypoint)
                .withCmd(cmd)
                .withWorkingDir(ModelLabels.MODEL_REPOSITORY)
                .withLabels(allLabels)
                .withStopSignal("SIGTERM");
    }
}
