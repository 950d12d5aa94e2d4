package dev.berth.cli.registry;

import dev.berth.cli.GlobalOptions;
import dev.berth.oci.reference.Reference;
import dev.berth.registry.client.ClientOptions;
import dev.berth.registry.client.PushResult;
import dev.berth.registry.client.RegistryClient;
import dev.berth.registry.client.TransferListener;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth push REF}: upload a stored image to the registry its name points at, as {@code docker push}. */
@Command(name = "push", description = "Upload an image to a registry.", mixinStandardHelpOptions = true)
public final class PushCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME[:TAG]")
    String image;

    @Option(names = {"-q", "--quiet"}, description = "Print only the pushed digest line.")
    boolean quiet;

    @Option(names = "--tls-verify", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Use HTTPS and verify certificates (default: true; loopback registries are always plain HTTP).")
    boolean tlsVerify = true;

    @Override
    public Integer call() {
        Reference reference = Reference.parse(image);
        ClientOptions options = ClientOptions.defaults().withTlsVerify(tlsVerify);
        PrintWriter out = spec.commandLine().getOut();
        if (!quiet) {
            out.println("The push refers to repository [" + reference.repositoryOnly() + "]");
            out.flush();
        }
        PushResult result;
        try (TransferDisplay listener = new TransferDisplay(out, quiet, "Pushing", PushCommand::text);
                RegistryClient client = new RegistryClient(options)) {
            result = client.push(GlobalOptions.store(), image, reference, listener);
        }
        String what = reference.tag() != null ? reference.tag() : reference.digest().toString();
        out.println(what + ": digest: " + result.digest() + " size: " + result.size());
        out.flush();
        return 0;
    }

    private static String text(TransferListener.Status status, String detail) {
        return switch (status) {
            case PUSHED -> "Pushed";
            case LAYER_EXISTS -> "Layer already exists";
            case MOUNTED -> "Mounted from " + detail;
            case RETRYING -> "Retrying (" + detail + ")";
            default -> status.name();
        };
    }
}
