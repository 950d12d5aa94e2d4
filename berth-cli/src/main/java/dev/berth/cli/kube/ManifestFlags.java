package dev.berth.cli.kube;

import dev.berth.kube.KubeException;
import dev.berth.kube.manifest.Autoscaling;
import dev.berth.kube.manifest.ManifestOptions;
import dev.berth.kube.manifest.Quantities;
import dev.berth.kube.manifest.Resources;
import picocli.CommandLine.Option;

/** The options that shape a model's manifests, shared by {@code kube manifests} and {@code kube deploy}. */
final class ManifestFlags {
    @Option(names = "--replicas", paramLabel = "N", description = "Run N replicas (default 1; not with --min/--max).")
    Integer replicas;

    @Option(names = "--min", paramLabel = "N", description = "Autoscale from N replicas (needs --max and a CPU request).")
    Integer min;

    @Option(names = "--max", paramLabel = "N", description = "Autoscale up to N replicas.")
    Integer max;

    @Option(names = "--cpu-target", paramLabel = "PCT",
            description = "Average CPU use the autoscaler aims at, in percent of the request (default 70).")
    Integer cpuTarget;

    @Option(names = "--memory", paramLabel = "SIZE",
            description = "Memory request and limit (512m, 1g, 512Mi; default: the image's).")
    String memory;

    @Option(names = "--cpus", paramLabel = "N", description = "CPU request and limit (1.5 or 500m; default: the image's).")
    String cpus;

    @Option(names = "--name", paramLabel = "NAME", description = "Name of the Deployment, Service and autoscaler (default: the model's name).")
    String name;

    @Option(names = "--image-registry-name", paramLabel = "REF",
            description = "The image as the cluster pulls it (registry.example.com/ml/iris; the tag is the image's unless given).")
    String registryName;

    @Option(names = "--pin-digest", description = "Pull by digest (NAME:TAG@sha256:…), so exactly the image in the store runs.")
    boolean pinDigest;

    @Option(names = "--revision-history", paramLabel = "N", defaultValue = "" + ManifestOptions.DEFAULT_REVISION_HISTORY,
            description = "Old revisions kept for rollbacks (default ${DEFAULT-VALUE}).")
    int revisionHistory;

    ManifestOptions options(String namespace) {
        Autoscaling autoscaling = null;
        if (min != null || max != null || cpuTarget != null) {
            if (min == null || max == null) {
                throw new KubeException("autoscaling needs both --min and --max");
            }
            autoscaling = new Autoscaling(min, max, cpuTarget == null ? Autoscaling.DEFAULT_CPU_TARGET : cpuTarget);
        }
        Resources resources = new Resources(memory == null ? null : Quantities.parseMemory(memory, "--memory"),
                cpus == null ? null : Quantities.parseCpus(cpus, "--cpus"));
        return new ManifestOptions(replicas, autoscaling, resources, namespace, name, revisionHistory);
    }
}
