package dev.berth.cli.registry;

import dev.berth.cli.GlobalOptions;
import dev.berth.oci.image.Platform;
import dev.berth.oci.reference.Reference;
import dev.berth.registry.RegistryException;
import dev.berth.registry.client.ClientOptions;
import dev.berth.registry.client.PullResult;
import dev.berth.registry.client.RegistryClient;
import dev.berth.registry.client.TransferListener;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth pull REF}: fetch an image from a registry into the store, as {@code docker pull}. */
@Command(name = "pull", description = "Download an image from a registry.", mixinStandardHelpOptions = true)
public final class PullCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME[:TAG|@DIGEST]")
    String image;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "Platform to take from a multi-platform image (default: this host's, ${DEFAULT-VALUE}).")
    String platform = Platform.host().toString();

    @Option(names = {"-q", "--quiet"}, description = "Print only the image reference.")
    boolean quiet;

    @Option(names = {"-a", "--all-tags"}, description = "Download every tagged image of the repository.")
    boolean allTags;

    @Option(names = "--tls-verify", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Use HTTPS and verify certificates (default: true; loopback registries are always plain HTTP).")
    boolean tlsVerify = true;

    @Option(names = "--max-concurrent-downloads", paramLabel = "N", description = "Blobs downloaded at once (default: ${DEFAULT-VALUE}).")
    int maxConcurrentDownloads = ClientOptions.DEFAULT_CONCURRENCY;

    @Override
    public Integer call() {
        Reference reference = Reference.parse(image);
        if (allTags && namesTagOrDigest(image)) {
            throw new RegistryException("tag can't be used with --all-tags/-a");
        }
        ClientOptions options = ClientOptions.defaults().withTlsVerify(tlsVerify)
                .withMaxConcurrentTransfers(maxConcurrentDownloads).withPlatform(parsePlatform(platform));
        PrintWriter out = spec.commandLine().getOut();
        try (RegistryClient client = new RegistryClient(options)) {
            if (!allTags) {
                pullOne(client, reference, out);
                out.println(reference);
            } else {
                Reference repository = reference.repositoryOnly();
                List<String> tags = client.tags(repository);
                if (tags.isEmpty()) {
                    throw new RegistryException("repository " + repository.familiar() + " has no tags");
                }
                for (String tag : tags) {
                    pullOne(client, repository.withTag(tag), out);
                }
                out.println(repository);
            }
        }
        out.flush();
        return 0;
    }

    /** Docker refuses --all-tags with a reference that names a tag or digest, as typed (parsing adds "latest"). */
    static boolean namesTagOrDigest(String text) {
        return text.contains("@") || text.substring(text.lastIndexOf('/') + 1).contains(":");
    }

    private void pullOne(RegistryClient client, Reference reference, PrintWriter out) {
        if (!quiet) {
            String what = reference.digest() != null ? reference.digest().toString() : reference.tag();
            out.println(what + ": Pulling from " + reference.path());
            out.flush();
        }
        PullResult result;
        try (TransferDisplay listener = new TransferDisplay(out, quiet, "Downloading", PullCommand::text)) {
            result = client.pull(GlobalOptions.store(), reference, listener,
                    SnapshotSink.forRoot(GlobalOptions.store(), GlobalOptions.rootDir()));
        }
        if (!quiet) {
            out.println("Digest: " + result.digest());
            out.println("Status: " + (result.upToDate() ? "Image is up to date for " : "Downloaded newer image for ")
                    + reference.familiar());
        }
        out.flush();
    }

    private static String text(TransferListener.Status status, String detail) {
        return switch (status) {
            case ALREADY_EXISTS -> "Already exists";
            case PULL_COMPLETE -> "Pull complete";
            case RETRYING -> "Retrying (" + detail + ")";
            default -> status.name();
        };
    }

    static Platform parsePlatform(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || java.util.Arrays.stream(parts).anyMatch(String::isEmpty)) {
            throw new RegistryException("invalid platform '" + text + "': expected OS/ARCH or OS/ARCH/VARIANT, for example linux/arm64");
        }
        return new Platform(parts[1], parts[0], null, null, parts.length == 3 ? parts[2] : null);
    }
}
