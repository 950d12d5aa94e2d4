package dev.berth.cli;

import dev.berth.cli.image.HistoryCommand;
import dev.berth.cli.image.ImagesCommand;
import dev.berth.cli.image.InspectCommand;
import dev.berth.cli.image.LoadCommand;
import dev.berth.cli.image.RmiCommand;
import dev.berth.cli.image.SaveCommand;
import dev.berth.cli.image.TagCommand;
import dev.berth.cli.system.CompletionCommand;
import dev.berth.cli.system.SystemCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import dev.berth.cli.system.AotTrainingCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Option;

/** The root {@code berth} command: its subcommands, and how errors become messages and exit codes. */
@Command(name = "berth",
        mixinStandardHelpOptions = true,
        versionProvider = BerthCommand.Version.class,
        description = "Ship machine-learning models in OCI containers.")
public final class BerthCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    void setDebug(boolean value) {
        GlobalOptions.debug = value;
    }

    // Given before the subcommand, as podman's --root: `berth registry serve --root` names the registry's own directory.
    @Option(names = "--root", paramLabel = "DIR",
            description = "Berth's state directory (default: $BERTH_ROOT, /var/lib/berth as root, ~/.local/share/berth otherwise).")
    void setRoot(java.nio.file.Path value) {
        GlobalOptions.root = value;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The subcommands, in help order. Each is constructed only when needed: picocli reflects over a command's
     * annotations when it is added, and that reflection is most of a short command's start-up, so a command line that
     * names one subcommand gets only that one (see {@link #commandLine(String...)}).
     */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("help", HelpCommand::new);
        m.put("images", ImagesCommand::new);
        m.put("inspect", InspectCommand::new);
        m.put("history", HistoryCommand::new);
        m.put("tag", TagCommand::new);
        m.put("pull", dev.berth.cli.registry.PullCommand::new);
        m.put("push", dev.berth.cli.registry.PushCommand::new);
        m.put("lock", dev.berth.cli.build.LockCommand::new);
        m.put("login", dev.berth.cli.registry.LoginCommand::new);
        m.put("logout", dev.berth.cli.registry.LogoutCommand::new);
        m.put("save", SaveCommand::new);
        m.put("load", LoadCommand::new);
        m.put("rmi", RmiCommand::new);
        m.put("import", dev.berth.cli.image.ImportCommand::new);
        m.put("system", SystemCommand::new);
        m.put("layer", dev.berth.cli.layer.LayerCommand::new);
        m.put("registry", dev.berth.cli.registry.RegistryCommand::new);
        m.put("completion", CompletionCommand::new);
        m.put("quickstart", dev.berth.cli.system.QuickstartCommand::new);
        m.put("internal-aot-training", AotTrainingCommand::new);
        m.put("daemon", dev.berth.cli.container.DaemonCommand::new);
        m.put("run", dev.berth.cli.container.RunCommand::new);
        m.put("create", dev.berth.cli.container.CreateCommand::new);
        m.put("start", dev.berth.cli.container.SimpleCommands.Start::new);
        m.put("stop", dev.berth.cli.container.SimpleCommands.Stop::new);
        m.put("restart", dev.berth.cli.container.SimpleCommands.Restart::new);
        m.put("kill", dev.berth.cli.container.SimpleCommands.Kill::new);
        m.put("rm", dev.berth.cli.container.SimpleCommands.Rm::new);
        m.put("wait", dev.berth.cli.container.SimpleCommands.Wait::new);
        m.put("ps", dev.berth.cli.container.PsCommand::new);
        m.put("logs", dev.berth.cli.container.LogsCommand::new);
        m.put("exec", dev.berth.cli.container.ExecCommand::new);
        m.put("stats", dev.berth.cli.container.StatsCommand::new);
        m.put("top", dev.berth.cli.container.TopCommand::new);
        m.put("container", dev.berth.cli.container.ContainerCommand::new);
        m.put("cp", dev.berth.cli.container.CpCommand::new);
        m.put("tiny", dev.berth.cli.tiny.TinyCommand::new);
        m.put("build", dev.berth.cli.build.BuildCommand::new);
        m.put("builder", dev.berth.cli.build.BuilderCommand::new);
        m.put("model", dev.berth.cli.model.ModelCommand::new);
        m.put("kube", dev.berth.cli.kube.KubeCommand::new);
        m.put("deploy", dev.berth.cli.deploy.DeployCommand::new);
        m.put("rollback", dev.berth.cli.deploy.RollbackCommand::new);
        m.put("deployments", dev.berth.cli.deploy.DeploymentsCommand::new);
        return m;
    }

    /** The full command tree (help, completion scripts, tests). */
    public static CommandLine commandLine() {
        return build(SUBCOMMANDS.keySet());
    }

    /**
     * The command tree a command line needs: the one subcommand it names, or all of them when it names none that is
     * known (so usage help, "did you mean" suggestions and errors list everything). Options of the root that take a
     * value are skipped while looking for the subcommand's name.
     */
    public static CommandLine commandLine(String... args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--root")) {
                i++;
            } else if (arg.startsWith("-")) {
                if (arg.equals("-v") || arg.equals("--version")) {
                    return build(java.util.Set.of());
                }
            } else {
                return SUBCOMMANDS.containsKey(arg) && !arg.equals("help") ? build(java.util.Set.of(arg)) : commandLine();
            }
        }
        return args.length == 0 || java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")
                ? commandLine() : build(java.util.Set.of());
    }

    private static CommandLine build(java.util.Collection<String> names) {
        CommandLine cl = new CommandLine(new BerthCommand());
        for (String name : SUBCOMMANDS.keySet()) {
            if (names.contains(name)) {
                cl.addSubcommand(name, SUBCOMMANDS.get(name).get());
                if (name.equals("run") || name.equals("create") || name.equals("exec")) {
                    // everything after the image (or container) is the container's command, flags included
                    cl.getSubcommands().get(name).setStopAtPositional(true);
                }
            }
        }
        cl.setExecutionExceptionHandler(BerthCommand::handleExecutionException);
        cl.setParameterExceptionHandler(BerthCommand::handleParameterException);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    /** Errors meant for users print as one line ("Error: …", exit 1); anything else is Berth's own fault (125). */
    private static int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        if (GlobalOptions.debug()) {
            e.printStackTrace(err);
        }
        if (e instanceof CommandFailure failure) {
            if (failure.getMessage() != null && !failure.getMessage().isEmpty()) {
                err.println("Error: " + failure.getMessage());
            }
            err.flush();
            return failure.exitCode();
        }
        if (UserErrors.isUserError(e)) {
            err.println("Error: " + e.getMessage());
            err.flush();
            return ExitCodes.FAILURE;
        }
        err.println("Error: " + e + (GlobalOptions.debug() ? "" : " (run with --debug for details)"));
        err.flush();
        return ExitCodes.BERTH_FAILED;
    }

    private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("berth: " + e.getMessage());
        err.println("See '" + cl.getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return ExitCodes.BERTH_FAILED;
    }

    /** Reads the version Maven wrote into the jar. */
    public static final class Version implements CommandLine.IVersionProvider {
        public static String version() {
            Properties p = new Properties();
            try (InputStream in = BerthCommand.class.getResourceAsStream("/dev/berth/cli/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                return "unknown";
            }
            return p.getProperty("version", "unknown");
        }

        @Override
        public String[] getVersion() {
            return new String[] {"Berth version " + version() + ", Java " + Runtime.version()};
        }
    }
}
