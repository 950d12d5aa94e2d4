package dev.berth.cli.system;

import dev.berth.cli.BerthCommand;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berth completion bash}: a completion script; {@code source <(berth completion bash)}. */
@Command(name = "completion", description = "Print a shell completion script (bash).", mixinStandardHelpOptions = true)
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash (zsh can load it with bashcompinit).")
    String shell;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "unsupported shell '" + shell + "': expected bash or zsh");
        }
        spec.commandLine().getOut().print(AutoComplete.bash("berth", BerthCommand.commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
