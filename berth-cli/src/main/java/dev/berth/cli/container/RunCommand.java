package dev.berth.cli.container;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.daemon.EngineException;
import dev.berth.daemon.client.EngineClient;
import dev.berth.daemon.api.JsonText;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code berth run}: create a container, start it, and (unless detached) show its output and end with its exit code,
 * as {@code docker run}. A container that cannot start is removed again, leaving nothing behind; the exit code is
 * Docker's: 125 when Berth fails, 126 when the command cannot be invoked, 127 when it is not found.
 */
@Command(name = "run", description = "Create and run a new container from an image.", sortOptions = false)
public final class RunCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    // only --help: -h is --hostname, as in docker run
    @picocli.CommandLine.Option(names = "--help", usageHelp = true, description = "Show this help message and exit.")
    boolean help;
    @Option(names = {"-d", "--detach"}, description = "Run in the background and print the container ID.")
    boolean detach;
    @Mixin
    CreateOptions options = new CreateOptions();

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Trace.mark("run: parsed");
        EngineClient client = DaemonConnection.client();
        Trace.mark("run: daemon found");
        String id = create(client, options, err);
        Trace.mark("run: created");
        if (detach) {
            startOrRemove(client, id);
            out.println(id);
            out.flush();
            return ExitCodes.OK;
        }
        // register the wait before starting, so that even an instant exit is seen (Docker's next-exit condition)
        String condition = options.rm ? "removed" : "next-exit";
        EngineClient.Response wait = client.send("POST", "/containers/" + id + "/wait?condition=" + condition, null);
        try (wait) {
            if (wait.status >= 400) {
                EngineClient.check(wait, wait.readAll());
            }
            CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
                try {
                    Integer code = JsonText.intField(new String(wait.readAll(), java.nio.charset.StandardCharsets.UTF_8), "StatusCode");
                    return code == null ? 255 : code;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, runnable -> Thread.ofPlatform().daemon().start(runnable)); // a virtual thread's blocking read would start
            // the JDK's I/O poller, a thread HotSpot then waits ~300 ms for at exit
            EngineClient.Response attach = client.send("POST", "/containers/" + id + "/attach?stream=1&stdout=1&stderr=1", null);
            try (attach) {
                if (attach.status >= 400) {
                    EngineClient.check(attach, attach.readAll());
                }
                Trace.mark("run: attached");
                startOrRemove(client, id);
                Trace.mark("run: started");
                RawStream.copy(attach.body, out, err);
                Trace.mark("run: output ended");
            }
            try {
                return status.get();
            } catch (ExecutionException e) {
                throw new CommandFailure("lost the container's exit status: " + e.getCause().getMessage(), ExitCodes.BERTH_FAILED);
            }
        }
    }

    static String create(EngineClient client, CreateOptions options, PrintWriter err) {
        try {
            return createOnce(client, options);
        } catch (CommandFailure e) {
            if (!e.getMessage().startsWith("Unable to find image")) {
                throw e;
            }
        }
        // as docker run: an image that is not here is pulled first
        err.println("Unable to find image '" + options.image + "' locally");
        err.flush();
        String[] pull = {"--root", dev.berth.cli.GlobalOptions.rootDir().toString(), "pull", options.image};
        var cl = dev.berth.cli.BerthCommand.commandLine(pull);
        cl.setOut(err); // pull's progress goes to stderr: stdout is the container's
        cl.setErr(err);
        int exit = cl.execute(pull);
        if (exit != 0) {
            throw new CommandFailure("", ExitCodes.BERTH_FAILED); // pull printed why
        }
        return createOnce(client, options);
    }

    private static String createOnce(EngineClient client, CreateOptions options) {
        String path = "/containers/create" + (options.name == null ? "" : "?name=" + Api.enc(options.name));
        try (EngineClient.Response r = client.send("POST", path, new EngineClient.RawJson(options.toRequest().toJson()))) {
            byte[] body = r.readAll();
            EngineClient.check(r, body);
            return JsonText.stringField(new String(body, java.nio.charset.StandardCharsets.UTF_8), "Id");
        } catch (IOException e) {
            throw new CommandFailure("cannot talk to the Berth daemon: " + e.getMessage(), ExitCodes.BERTH_FAILED);
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.NOT_FOUND && e.getMessage().startsWith("No such image")) {
                throw new CommandFailure("Unable to find image '" + options.image + "' locally: " + e.getMessage()
                        + " (pull it first with `berth pull " + options.image + "`)", ExitCodes.BERTH_FAILED);
            }
            throw new CommandFailure(e.getMessage(), e.exitCode());
        }
    }

    /** Starts; if that fails, removes the container (a run that did not start leaves nothing) and fails with Docker's code. */
    private static void startOrRemove(EngineClient client, String id) {
        try {
            client.call("POST", "/containers/" + id + "/start", null, Void.class);
        } catch (EngineException e) {
            try {
                client.call("DELETE", "/containers/" + id + "?force=1", null, Void.class);
            } catch (EngineException ignored) {
                // already gone
            }
            throw new CommandFailure(e.getMessage(), e.exitCode());
        }
    }
}
