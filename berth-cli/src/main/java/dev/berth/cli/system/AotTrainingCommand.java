package dev.berth.cli.system;

import dev.berth.cli.BerthCommand;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Hidden: the launcher's AOT training run. Runs the everyday commands once in this JVM (against the empty store the
 * launcher passes with --root) so the JDK's AOT cache holds the classes they load, linked and profiled.
 */
@Command(name = "internal-aot-training", hidden = true)
public final class AotTrainingCommand implements Callable<Integer> {
    private static final List<String[]> TRAINING = List.of(
            new String[] {"--version"},
            new String[] {"--help"},
            new String[] {"help", "images"},
            new String[] {"images"},
            new String[] {"images", "--format", "json"},
            new String[] {"system", "df"},
            new String[] {"system", "check"},
            new String[] {"inspect", "docker.io/library/busybox:latest"},
            new String[] {"images", "--no-such-flag"});

    /**
     * The container commands' client side, against a daemon started in this JVM on the training root (which has no
     * images, so `run` stops at "no such image" after building and sending its request).
     */
    private static final List<String[]> CONTAINER_TRAINING = List.of(
            new String[] {"ps"},
            new String[] {"ps", "-a", "--format", "json"},
            new String[] {"run", "--rm", "--network", "none", "-e", "A=b", "--memory", "64m", "-p", "127.0.0.1:1:80",
                    "aot-training/none:1", "true"},
            new String[] {"run", "--memory", "12q", "aot-training/none:1", "true"},
            new String[] {"logs", "aot-training"},
            new String[] {"rm", "-f", "aot-training"},
            new String[] {"container", "inspect", "aot-training"});

    @Override
    public Integer call() {
        for (String[] args : TRAINING) {
            BerthCommand.commandLine(args).execute(args);
        }
        java.nio.file.Path root = dev.berth.cli.GlobalOptions.rootDir();
        // a cached build loads some 570 classes the commands above never touch
        dev.berth.cli.build.BuildCommand.trainForAot(root);
        try (dev.berth.daemon.Daemon daemon = dev.berth.daemon.Daemon.start(root, dev.berth.daemon.Daemon.defaultSocket(root))) {
            for (String[] args : CONTAINER_TRAINING) {
                String[] full = new String[args.length + 2];
                full[0] = "--root";
                full[1] = root.toString();
                System.arraycopy(args, 0, full, 2, args.length);
                BerthCommand.commandLine(full).execute(full);
            }
        } catch (RuntimeException e) {
            System.err.println("AOT training of the container commands skipped: " + e.getMessage());
        }
        return 0;
    }
}
