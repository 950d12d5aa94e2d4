package dev.berth.cli.kube;

import dev.berth.cli.GlobalOptions;
import dev.berth.kube.manifest.KubeNames;
import dev.berth.kube.manifest.ManifestSet;
import dev.berth.kube.manifest.ManifestWriter;
import dev.berth.kube.manifest.Manifests;
import dev.berth.kube.manifest.ModelImages;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code berth kube manifests NAME:VERSION}: the Deployment, Service and (with {@code --min/--max}) the
 * HorizontalPodAutoscaler of a packaged model, as YAML for {@code kubectl apply -f}.
 */
@Command(name = "manifests", mixinStandardHelpOptions = true,
        description = "Write the Kubernetes manifests (Deployment, Service, autoscaler) of a packaged model.")
public final class KubeManifestsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME:VERSION", description = "A model image in Berth's store (berth model package).")
    String image;

    @Mixin
    ManifestFlags flags;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Namespace written into the manifests (default: none).")
    String namespace;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE|DIR",
            description = "Write to FILE, or to a file per object in DIR (default: standard output).")
    Path output;

    @Override
    public Integer call() throws Exception {
        return KubeCli.guarded(() -> {
            if (namespace != null) {
                KubeNames.namespace(namespace);
            }
            ManifestSet set = Manifests.build(
                    ModelImages.read(GlobalOptions.store(), image, flags.registryName, flags.pinDigest), flags.options(namespace));
            var out = spec.commandLine().getOut();
            if (output == null) {
                out.print(set.yaml());
            } else {
                for (Path written : ManifestWriter.write(set, output)) {
                    out.println("wrote " + written);
                }
            }
            out.flush();
            return 0;
        });
    }
}
