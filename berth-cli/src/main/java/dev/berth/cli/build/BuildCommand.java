package dev.berth.cli.build;

import dev.berth.build.BuildException;
import dev.berth.build.engine.BuildListener;
import dev.berth.build.engine.BuildRequest;
import dev.berth.build.engine.BuildResult;
import dev.berth.build.engine.Builder;
import dev.berth.build.engine.LockedInputs;
import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.GlobalOptions;
import dev.berth.cli.output.Terminal;
import dev.berth.oci.archive.ArchiveFormat;
import dev.berth.oci.archive.ImageArchiveWriter;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code berth build}: builds an image from a Dockerfile, as {@code docker build}. Exit codes as docker's: 1 for a
 * build that fails (a bad Dockerfile, a failing RUN, a missing file), 125 for a wrong command line.
 */
@Command(name = "build", description = "Build an image from a Dockerfile.", mixinStandardHelpOptions = true)
public final class BuildCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONTEXT", description = "The build context directory.")
    Path context;

    @Option(names = {"-t", "--tag"}, paramLabel = "NAME[:TAG]", description = "Name the image (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "The Dockerfile (default: CONTEXT/Dockerfile; '-' reads it from standard input).")
    String file;

    @Option(names = "--build-arg", paramLabel = "KEY[=VALUE]",
            description = "Set a build argument (KEY alone takes its value from the environment).")
    List<String> buildArgs = new ArrayList<>();

    @Option(names = "--target", paramLabel = "STAGE", description = "Build this stage (and what it needs) only.")
    String target;

    @Option(names = "--no-cache", description = "Run every step; take nothing from the cache.")
    boolean noCache;

    @Option(names = "--pull", description = "Resolve every base image at its registry again.")
    boolean pull;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Add a label to the image (repeatable).")
    List<String> labels = new ArrayList<>();

    @Option(names = "--network", paramLabel = "host|none", description = "Network of RUN steps (default: host).")
    String network = "host";

    @Option(names = "--progress", paramLabel = "auto|tty|plain", description = "Progress output (default: auto).")
    String progress = "auto";

    @Option(names = "--iidfile", paramLabel = "FILE", description = "Write the image ID to FILE.")
    Path iidFile;

    @Option(names = {"-o", "--output"}, paramLabel = "type=oci,dest=FILE",
            description = "Also write the image as an archive: type=oci (OCI layout) or type=docker (docker load).")
    String output;

    @Option(names = "--reproducible",
            description = "Reproducible image: every time is SOURCE_DATE_EPOCH (0 when unset), file modes as git keeps them.")
    boolean reproducible;

    @Option(names = "--locked", description = "Build from the digests berth.lock pins; fail when an input drifted.")
    boolean locked;

    @Option(names = "--secret", paramLabel = "id=ID,src=FILE",
            description = "A secret RUN --mount=type=secret can read (never stored in the image).")
    List<String> secrets = new ArrayList<>();

    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "Target platform (RUN needs this host's).")
    String platform;

    @Option(names = {"-q", "--quiet"}, description = "Print only the image ID.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        BuildRequest request = request();
        Path root = GlobalOptions.rootDir();
        ImageStore store = GlobalOptions.store();
        if (locked) {
            try {
                request = LockedInputs.apply(request, store);
            } catch (BuildException e) {
                throw new CommandFailure(e.getMessage(), ExitCodes.FAILURE);
            }
        }
        BuildListener display;
        TtyBuildDisplay tty = null;
        if (quiet) {
            display = BuildListener.NONE;
        } else if (progress.equals("tty") || (progress.equals("auto") && Terminal.ansi())) {
            tty = new TtyBuildDisplay(out, Terminal.columns());
            display = tty;
        } else {
            display = new PlainBuildDisplay(out);
        }
        Builder builder = new Builder(root, store, display);
        Thread onInterrupt = new Thread(builder::cancel, "berth-build-cancel");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        BuildResult result;
        try {
            result = builder.build(request);
        } catch (BuildException e) {
            closeQuietly(tty);
            throw new CommandFailure(e.getMessage(), ExitCodes.FAILURE);
        } finally {
            closeQuietly(tty);
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it cancels the build
            }
        }
        if (output != null) {
            writeOutput(store, result);
        }
        if (iidFile != null) {
            try {
                Files.writeString(iidFile, result.imageId().toString(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CommandFailure("cannot write the image ID to " + iidFile + ": " + e.getMessage(), ExitCodes.FAILURE);
            }
        }
        if (quiet) {
            out.println(result.imageId());
        } else {
            out.println("Successfully built " + result.imageId());
            for (String tag : result.tags()) {
                out.println("Successfully tagged " + tag);
            }
        }
        out.flush();
        return 0;
    }

    /**
     * The launcher's AOT training of the build path (for {@code AotTrainingCommand}): builds a small image from
     * {@code scratch} in {@code root} twice, the second time all from the cache, so that a no-change rebuild starts
     * with its classes loaded, linked and profiled. Needs no base image, runc or network.
     */
    public static void trainForAot(Path root) {
        try {
            Path context = Files.createDirectories(root.resolve("aot-training-build"));
            Files.writeString(context.resolve("Dockerfile"), """
                    # syntax=docker/dockerfile:1
                    FROM scratch AS files
                    ARG VERSION=1
                    COPY --chmod=0644 *.txt /files/
                    FROM scratch
                    COPY --from=files /files /opt/files
                    ENV VERSION=${VERSION} PATH=/opt/bin
                    LABEL org.example.training=yes
                    WORKDIR /opt
                    CMD ["/opt/bin/app"]
                    """, StandardCharsets.UTF_8);
            Files.writeString(context.resolve("Dockerfile.child"), """
                    FROM aot-training/build:1
                    COPY file1.txt file2.txt /opt/more/
                    ENTRYPOINT ["/opt/bin/app"]
                    """, StandardCharsets.UTF_8);
            for (int i = 0; i < 20; i++) {
                Files.writeString(context.resolve("file" + i + ".txt"), "training file " + i + "\n", StandardCharsets.UTF_8);
            }
            for (String[] args : List.of(
                    new String[] {"--root", root.toString(), "build", "--progress", "plain", "-t", "aot-training/build:1",
                            context.toString()},
                    new String[] {"--root", root.toString(), "build", "--progress", "plain", "-t", "aot-training/build:1",
                            context.toString()},
                    new String[] {"--root", root.toString(), "build", "-q", context.toString()},
                    new String[] {"--root", root.toString(), "build", "-q", "-f", context.resolve("Dockerfile.child").toString(),
                            "-t", "aot-training/child:1", context.toString()},
                    new String[] {"--root", root.toString(), "build", "-q", "-f", context.resolve("Dockerfile.child").toString(),
                            "-t", "aot-training/child:1", context.toString()},
                    new String[] {"--root", root.toString(), "images"},
                    new String[] {"--root", root.toString(), "system", "df"},
                    new String[] {"--root", root.toString(), "builder", "prune", "-a", "-f"})) {
                dev.berth.cli.BerthCommand.commandLine(args).execute(args);
            }
        } catch (IOException e) {
            System.err.println("AOT training of berth build skipped: " + e.getMessage());
        }
    }

    private static void closeQuietly(TtyBuildDisplay tty) {
        if (tty != null) {
            tty.close();
        }
    }

    private BuildRequest request() {
        if (!Files.isDirectory(context)) {
            throw new CommandFailure("the build context " + context + " is not a directory", ExitCodes.FAILURE);
        }
        if (!progress.equals("auto") && !progress.equals("tty") && !progress.equals("plain")) {
            throw new CommandFailure("invalid --progress " + progress + ": use auto, tty or plain", ExitCodes.BERTH_FAILED);
        }
        if (!network.equals("host") && !network.equals("none") && !network.equals("default")) {
            throw new CommandFailure("invalid --network " + network + ": berth build supports host (the default) and none",
                    ExitCodes.BERTH_FAILED);
        }
        for (String tag : tags) {
            try {
                Reference.parse(tag);
            } catch (RuntimeException e) {
                throw new CommandFailure("invalid tag '" + tag + "': " + e.getMessage(), ExitCodes.BERTH_FAILED);
            }
        }
        if (output != null) {
            parseOutput(output);
        }
        String name;
        String text;
        Path dockerfilePath;
        if ("-".equals(file)) {
            name = "Dockerfile";
            dockerfilePath = null;
            try {
                text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CommandFailure("cannot read the Dockerfile from standard input: " + e.getMessage(), ExitCodes.FAILURE);
            }
        } else {
            dockerfilePath = file == null ? context.resolve("Dockerfile") : Path.of(file);
            name = file == null ? "Dockerfile" : file;
            try {
                text = Files.readString(dockerfilePath, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CommandFailure("cannot read the Dockerfile " + dockerfilePath + ": "
                        + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()), ExitCodes.FAILURE);
            }
        }
        Long epoch = sourceDateEpoch(reproducible);
        BuildRequest request = new BuildRequest(context.toAbsolutePath().normalize(), name, text, dockerfilePath,
                tags, keyValues(buildArgs, "--build-arg", true), target, noCache, pull, keyValues(labels, "--label", false),
                !network.equals("none"), epoch, secrets(), platform, Map.of(), Map.of());
        return request;
    }

    /** SOURCE_DATE_EPOCH from the environment; with --reproducible 0 when unset. */
    static Long sourceDateEpoch(boolean reproducible) {
        String value = System.getenv("SOURCE_DATE_EPOCH");
        if (value == null || value.isBlank()) {
            return reproducible ? 0L : null;
        }
        try {
            long seconds = Long.parseLong(value.strip());
            if (seconds < 0) {
                throw new NumberFormatException();
            }
            return seconds;
        } catch (NumberFormatException e) {
            throw new CommandFailure("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not '" + value + "'",
                    ExitCodes.BERTH_FAILED);
        }
    }

    private static Map<String, String> keyValues(List<String> items, String flag, boolean fromEnvironment) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq == 0) {
                throw new CommandFailure("invalid " + flag + " '" + item + "': the name is empty", ExitCodes.BERTH_FAILED);
            }
            if (eq < 0) {
                if (!fromEnvironment) {
                    throw new CommandFailure("invalid " + flag + " '" + item + "': expected KEY=VALUE", ExitCodes.BERTH_FAILED);
                }
                String value = System.getenv(item);
                if (value != null) {
                    map.put(item, value); // a name alone takes the variable's value, and is skipped when unset (docker)
                }
            } else {
                map.put(item.substring(0, eq), item.substring(eq + 1));
            }
        }
        return map;
    }

    private Map<String, Path> secrets() {
        Map<String, Path> map = new LinkedHashMap<>();
        for (String s : secrets) {
            String id = null;
            String src = null;
            for (String part : s.split(",")) {
                int eq = part.indexOf('=');
                String k = eq < 0 ? part : part.substring(0, eq);
                String v = eq < 0 ? "" : part.substring(eq + 1);
                switch (k) {
                    case "id" -> id = v;
                    case "src", "source" -> src = v;
                    case "type" -> {
                        if (!v.equals("file")) {
                            throw new CommandFailure("invalid --secret " + s + ": only type=file is supported", ExitCodes.BERTH_FAILED);
                        }
                    }
                    default -> throw new CommandFailure("invalid --secret " + s + ": unknown key " + k
                            + " (expected id=ID,src=FILE)", ExitCodes.BERTH_FAILED);
                }
            }
            if (id == null || id.isEmpty() || src == null || src.isEmpty()) {
                throw new CommandFailure("invalid --secret " + s + ": expected id=ID,src=FILE", ExitCodes.BERTH_FAILED);
            }
            Path path = Path.of(src).toAbsolutePath();
            if (!Files.isRegularFile(path)) {
                throw new CommandFailure("the secret file " + src + " does not exist", ExitCodes.FAILURE);
            }
            map.put(id, path);
        }
        return map;
    }

    private record OutputSpec(ArchiveFormat format, Path dest) {
    }

    private static OutputSpec parseOutput(String text) {
        String type = null;
        String dest = null;
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new CommandFailure("invalid --output " + text + ": expected type=oci,dest=FILE", ExitCodes.BERTH_FAILED);
            }
            switch (part.substring(0, eq)) {
                case "type" -> type = part.substring(eq + 1);
                case "dest" -> dest = part.substring(eq + 1);
                default -> throw new CommandFailure("invalid --output " + text + ": unknown key " + part.substring(0, eq),
                        ExitCodes.BERTH_FAILED);
            }
        }
        if (dest == null || dest.isEmpty()) {
            throw new CommandFailure("invalid --output " + text + ": dest=FILE is missing", ExitCodes.BERTH_FAILED);
        }
        ArchiveFormat format = switch (type == null ? "" : type) {
            case "oci" -> ArchiveFormat.OCI;
            case "docker" -> ArchiveFormat.DOCKER;
            default -> throw new CommandFailure("invalid --output " + text + ": type must be oci or docker", ExitCodes.BERTH_FAILED);
        };
        return new OutputSpec(format, Path.of(dest));
    }

    /** Writes the archive beside its destination first and renames it, so a failure leaves no partial file. */
    private void writeOutput(ImageStore store, BuildResult result) {
        OutputSpec o = parseOutput(output);
        Image image = store.image(result.manifest(), List.of());
        List<Reference> names = result.tags().stream().map(Reference::parse).map(r -> r.tag() == null ? r.withTag("latest") : r).toList();
        Long epoch = sourceDateEpoch(reproducible);
        Path dest = o.dest().toAbsolutePath();
        Path tmp = dest.resolveSibling("." + dest.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try (OutputStream stream = Files.newOutputStream(tmp)) {
            new ImageArchiveWriter(store, epoch == null ? 0 : epoch)
                    .write(List.of(new ImageArchiveWriter.Selected(image, names)), o.format(), stream);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // reported below
            }
            throw new CommandFailure("cannot write " + dest + ": " + e.getMessage(), ExitCodes.FAILURE);
        }
        try {
            Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CommandFailure("cannot write " + dest + ": " + e.getMessage(), ExitCodes.FAILURE);
        }
    }
}
