package dev.berth.cli.registry;

import dev.berth.cli.GlobalOptions;
import dev.berth.registry.RegistryException;
import dev.berth.registry.server.RegistryServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code berth registry serve}: the OCI Distribution Spec v1.1 over HTTP or HTTPS, optionally behind htpasswd
 * authentication, until interrupted.
 */
@Command(name = "serve", description = "Serve an OCI distribution-spec registry until stopped (Ctrl-C, SIGTERM).",
        mixinStandardHelpOptions = true)
public final class RegistryServeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--addr", paramLabel = "HOST:PORT", description = "Address to listen on (default: ${DEFAULT-VALUE}).",
            defaultValue = "127.0.0.1:5000")
    String addr;

    @Option(names = "--root", paramLabel = "DIR",
            description = "Where the registry keeps its content (default: BERTH_ROOT/registry).")
    Path root;

    @Option(names = "--read-only", description = "Serve pulls only; refuse pushes and deletes.")
    boolean readOnly;

    @Option(names = "--htpasswd", paramLabel = "FILE",
            description = "Require HTTP Basic authentication by the users of this htpasswd file (bcrypt hashes only,"
                    + " as 'htpasswd -B' writes them); re-read when it changes.")
    Path htpasswd;

    @Option(names = "--anonymous-pull",
            description = "With --htpasswd: let anyone pull (GET and HEAD) without credentials; pushes and deletes still need them.")
    boolean anonymousPull;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve HTTPS with this PEM certificate chain (the server's certificate first); needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The PEM PKCS#8 private key (RSA or EC) of --tls-cert.")
    Path tlsKey;

    @Override
    public Integer call() throws InterruptedException {
        HostPort hostPort = HostPort.parse(addr);
        dev.berth.cli.JettyLogging.warningsOnly();
        Path dir = root != null ? root.toAbsolutePath() : GlobalOptions.rootDir().resolve("registry");
        RegistryServer.Config config = new RegistryServer.Config(dir, hostPort.host(), hostPort.port(), readOnly);
        if (anonymousPull && htpasswd == null) {
            throw new RegistryException("--anonymous-pull needs --htpasswd: without authentication everyone may pull anyway");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new RegistryException(tlsCert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
        }
        if (htpasswd != null) {
            config = config.withHtpasswd(htpasswd.toAbsolutePath(), anonymousPull);
        }
        if (tlsCert != null) {
            config = config.withTls(tlsCert.toAbsolutePath(), tlsKey.toAbsolutePath());
        }
        RegistryServer server = RegistryServer.start(config);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(server::close));
        var out = spec.commandLine().getOut();
        StringBuilder notes = new StringBuilder("content in " + dir);
        if (readOnly) {
            notes.append(", read-only");
        }
        if (htpasswd != null) {
            notes.append(", users from ").append(htpasswd.toAbsolutePath()).append(anonymousPull ? ", anonymous pull" : "");
        }
        out.println("Berth registry listening on " + server.baseUri() + " (" + notes + ")");
        out.flush();
        if (htpasswd != null && tlsCert == null) {
            var err = spec.commandLine().getErr();
            err.println("Warning: --htpasswd without --tls-cert sends passwords over plain HTTP");
            err.flush();
        }
        server.join();
        return 0;
    }

    /** {@code HOST:PORT}, {@code :PORT} (all interfaces is never implied: empty host means 127.0.0.1), {@code [::1]:PORT}. */
    record HostPort(String host, int port) {
        static HostPort parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new RegistryException("invalid --addr '" + text + "': expected HOST:PORT, for example 127.0.0.1:5000");
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                host = "127.0.0.1";
            }
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new RegistryException("invalid --addr '" + text + "': port '" + text.substring(colon + 1) + "' is not a number");
            }
            if (port < 0 || port > 65535) {
                throw new RegistryException("invalid --addr '" + text + "': port " + port + " is out of range 0-65535");
            }
            return new HostPort(host, port);
        }
    }
}
