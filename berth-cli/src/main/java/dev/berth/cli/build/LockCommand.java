package dev.berth.cli.build;

import dev.berth.build.BuildException;
import dev.berth.build.lock.Drift;
import dev.berth.build.lock.LockChecker;
import dev.berth.build.lock.LockFile;
import dev.berth.build.lock.LockRequest;
import dev.berth.build.lock.Locker;
import dev.berth.build.lock.Platforms;
import dev.berth.build.lock.StoreThenRegistry;
import dev.berth.build.lock.UrlDigester;
import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.GlobalOptions;
import dev.berth.oci.image.Platform;
import dev.berth.registry.client.ClientOptions;
import dev.berth.registry.client.RegistryClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth lock}: writes {@code berth.lock} beside the Dockerfile, pinning every base image by manifest digest for
 * each platform and every ADD URL by sha256; with {@code --check}, lists what drifted from it and exits 1 (0 when
 * nothing did), for CI.
 */
@Command(name = "lock", mixinStandardHelpOptions = true,
        description = {"Pin every input of a Dockerfile in berth.lock (beside the Dockerfile): base images by manifest"
                + " digest for each platform, ADD URLs by sha256, the Dockerfile's own hash and the build args.",
                "With --check, print what drifted from berth.lock and exit 1; exit 0 when nothing did."})
public final class LockCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONTEXT", description = "The build context (default: .).")
    Path context = Path.of(".");

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The Dockerfile (default: CONTEXT/Dockerfile).")
    Path file;

    @Option(names = "--build-arg", paramLabel = "K[=V]",
            description = "A build arg, as for berth build (K alone takes the value of $K); recorded in the lock.")
    List<String> buildArgs = new ArrayList<>();

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", split = ",",
            description = "A platform to pin images for; repeat or separate with commas (default: the platforms of the"
                    + " existing berth.lock, else this machine's).")
    List<String> platforms = new ArrayList<>();

    @Option(names = "--check", description = "Change nothing: list what drifted from berth.lock and exit 1 if anything did.")
    boolean check;

    @Option(names = "--tls-verify", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Use HTTPS and verify certificates (default: true; loopback registries are always plain HTTP).")
    boolean tlsVerify = true;

    @Override
    public Integer call() {
        Path dockerfile = file != null ? file : context.resolve("Dockerfile");
        PrintWriter out = spec.commandLine().getOut();
        try (RegistryClient client = new RegistryClient(ClientOptions.defaults().withTlsVerify(tlsVerify));
             UrlDigester urls = UrlDigester.withDefaults()) {
            StoreThenRegistry resolver = new StoreThenRegistry(GlobalOptions.store(), client);
            LockRequest request = new LockRequest(dockerfile, buildArgs(), platforms());
            if (check) {
                LockFile lock = LockFile.read(request.lockPath());
                List<Drift> drift = new LockChecker(resolver, urls, GlobalOptions.store())
                        .check(lock, request, LockChecker.Mode.CHECK);
                if (drift.isEmpty()) {
                    out.println(request.lockPath().getFileName() + " is up to date: " + summary(lock));
                    out.flush();
                    return ExitCodes.OK;
                }
                drift.forEach(d -> out.println(d.message()));
                out.flush();
                throw new CommandFailure(request.lockPath() + " is out of date (" + drift.size()
                        + (drift.size() == 1 ? " input drifted" : " inputs drifted") + "): run `berth lock` to update it",
                        ExitCodes.FAILURE);
            }
            LockFile lock = new Locker(resolver, urls).lockAndWrite(request);
            out.println("Wrote " + request.lockPath() + ": " + summary(lock));
            out.flush();
            return ExitCodes.OK;
        } catch (BuildException e) {
            throw new CommandFailure(e.getMessage(), ExitCodes.FAILURE);
        }
    }

    private static String summary(LockFile lock) {
        return count(lock.images().size(), "image") + ", " + count(lock.urls().size(), "URL") + ", for "
                + String.join(", ", lock.platforms());
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** {@code K=V}, or {@code K} for the value of the environment variable K (left out when it is not set), as build. */
    private Map<String, String> buildArgs() {
        Map<String, String> args = new LinkedHashMap<>();
        for (String arg : buildArgs) {
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (name.isEmpty()) {
                throw new CommandFailure("invalid --build-arg '" + arg + "': expected NAME=VALUE or NAME",
                        ExitCodes.BERTH_FAILED);
            }
            String value = eq < 0 ? System.getenv(name) : arg.substring(eq + 1);
            if (value != null) {
                args.put(name, value);
            }
        }
        return args;
    }

    private List<Platform> platforms() {
        List<Platform> parsed = new ArrayList<>();
        for (String p : platforms) {
            if (!p.isBlank()) {
                parsed.add(Platforms.parse(p, "--platform"));
            }
        }
        return parsed;
    }
}
