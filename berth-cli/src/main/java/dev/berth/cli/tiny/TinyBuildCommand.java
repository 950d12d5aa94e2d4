package dev.berth.cli.tiny;

import dev.berth.cli.GlobalOptions;
import dev.berth.tiny.ByteSize;
import dev.berth.tiny.TinyException;
import dev.berth.tiny.container.BuildResult;
import dev.berth.tiny.container.DeviceProfile;
import dev.berth.tiny.container.TinyBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code berth tiny build [-f Tinyfile] -t NAME:VERSION [--device PROFILE] [DIR]}. */
@Command(name = "build", description = "Build a tiny container from a Tinyfile (or Rune's Runefile.yml).",
        mixinStandardHelpOptions = true)
public final class TinyBuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The build file (default: DIR/Tinyfile, else DIR/Runefile.yml).")
    Path file;

    @Option(names = {"-t", "--tag"}, required = true, paramLabel = "NAME:VERSION", description = "Name and version of the container.")
    String tag;

    @Option(names = "--device", paramLabel = "PROFILE", description = "Refuse the container unless it fits this board (see 'berth tiny devices').")
    String device;

    @Option(names = "--devices", paramLabel = "FILE", description = "Extra device profiles (YAML).")
    Path devices;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The build directory (default: the current directory).")
    Path dir = Path.of(".");

    @Override
    public Integer call() throws Exception {
        return TinyCli.guarded(() -> {
            Path buildFile = file != null ? file : Files.exists(dir.resolve("Tinyfile")) ? dir.resolve("Tinyfile") : dir.resolve("Runefile.yml");
            if (!Files.isRegularFile(buildFile)) {
                throw new TinyException("no build file: " + buildFile + " does not exist (give -f FILE)");
            }
            DeviceProfile profile = device == null ? null : TinyCli.catalog(devices).get(device);
            BuildResult result = new TinyBuilder(GlobalOptions.store()).build(buildFile, dir, tag, profile);
            PrintWriter out = spec.commandLine().getOut();
            out.println("Built " + result.reference() + " " + result.manifest().digest());
            out.println("  stages: " + result.pipeline().pipeline().stages().size() + "; " + result.estimate().summary());
            if (profile != null) {
                out.println("  fits " + profile.name() + ": flash " + ByteSize.format(result.estimate().flashBytes()) + " of "
                        + ByteSize.format(profile.flashBytes()) + ", RAM " + ByteSize.format(result.estimate().ramBytes()) + " of "
                        + ByteSize.format(profile.ramBytes()));
            }
            out.flush();
            return 0;
        });
    }
}
