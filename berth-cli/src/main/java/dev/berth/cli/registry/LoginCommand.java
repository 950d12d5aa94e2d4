package dev.berth.cli.registry;

import dev.berth.registry.RegistryException;
import dev.berth.registry.client.ClientOptions;
import dev.berth.registry.client.Credentials;
import dev.berth.registry.client.DockerConfig;
import dev.berth.registry.client.RegistryLogin;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth login [REGISTRY]}: check a user name and password against a registry and store them in Docker's
 * config.json (or its credential helper), as {@code docker login}.
 */
@Command(name = "login", description = "Log in to a registry (default: Docker Hub).", mixinStandardHelpOptions = true)
public final class LoginCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "REGISTRY", description = "Registry host[:port] (default: docker.io).")
    String registry;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "User name.")
    String username;

    @Option(names = {"-p", "--password"}, paramLabel = "PASS", description = "Password (insecure: use --password-stdin).")
    String password;

    @Option(names = "--password-stdin", description = "Read the password from stdin.")
    boolean passwordStdin;

    @Option(names = "--tls-verify", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Use HTTPS and verify certificates (default: true; loopback registries are always plain HTTP).")
    boolean tlsVerify = true;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (password != null && passwordStdin) {
            throw new RegistryException("--password and --password-stdin are mutually exclusive");
        }
        if (password != null) {
            err.println("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
            err.flush();
        }
        if (passwordStdin) {
            if (username == null || username.isBlank()) {
                throw new RegistryException("Must provide --username with --password-stdin");
            }
            password = readStdin();
        }
        String domain = DockerConfig.domainOf(registry);
        DockerConfig config = DockerConfig.locate();
        ClientOptions options = ClientOptions.defaults().withTlsVerify(tlsVerify);

        Optional<Credentials> stored = username == null && password == null ? config.get(domain) : Optional.empty();
        if (stored.isPresent()) {
            out.println("Authenticating with existing credentials... [Username: " + stored.get().username() + "]");
            out.flush();
            try {
                RegistryLogin.verify(options, domain, stored.get());
                out.println("Login Succeeded");
                out.flush();
                return 0;
            } catch (RegistryException e) {
                err.println("Login did not succeed, error: " + e.getMessage());
                err.flush();
            }
        }

        String user = username;
        if (user == null || user.isBlank()) {
            Console console = terminal();
            String previous = stored.map(Credentials::username).orElse("");
            String answer = console.readLine(previous.isEmpty() ? "Username: " : "Username (" + previous + "): ");
            user = answer == null || answer.isBlank() ? previous : answer.strip();
        }
        if (user.isBlank()) {
            throw new RegistryException("Username Required");
        }
        String secret = password;
        if (secret == null) {
            char[] typed = terminal().readPassword("Password: ");
            secret = typed == null ? "" : new String(typed);
            if (typed != null) {
                java.util.Arrays.fill(typed, '\0');
            }
        }
        if (secret.isEmpty()) {
            throw new RegistryException("Password Required");
        }
        Credentials credentials = new Credentials(user, secret);
        RegistryLogin.verify(options, domain, credentials);
        config.store(domain, credentials);
        out.println("Login Succeeded");
        out.flush();
        return 0;
    }

    private static Console terminal() {
        Console console = System.console();
        if (console == null || !console.isTerminal()) {
            throw new RegistryException("Cannot perform an interactive login from a non TTY device");
        }
        return console;
    }

    /** All of stdin, less one trailing newline (as docker: a password may end in other white space). */
    private static String readStdin() {
        String text;
        try {
            text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RegistryException("cannot read the password from stdin: " + e.getMessage(), e);
        }
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }
}
