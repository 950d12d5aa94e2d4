package dev.berth.cli.registry;

import dev.berth.registry.client.DockerConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code berth logout [REGISTRY]}: forget a registry's credentials (config.json or its helper), as {@code docker logout}. */
@Command(name = "logout", description = "Log out from a registry (default: Docker Hub).", mixinStandardHelpOptions = true)
public final class LogoutCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "REGISTRY", description = "Registry host[:port] (default: docker.io).")
    String registry;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String domain = DockerConfig.domainOf(registry);
        String shown = DockerConfig.serverKey(domain);
        DockerConfig config = DockerConfig.locate();
        if (config.erase(domain)) {
            out.println("Removing login credentials for " + shown);
        } else {
            out.println("Not logged in to " + shown);
        }
        out.flush();
        return 0;
    }
}
