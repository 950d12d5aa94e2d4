package dev.berth.build.lock;

import dev.berth.build.BuildException;
import dev.berth.build.dockerfile.Dockerfile;
import dev.berth.build.dockerfile.Expander;
import dev.berth.build.dockerfile.Instruction;
import dev.berth.build.dockerfile.SourcePosition;
import dev.berth.build.dockerfile.Stage;
import dev.berth.oci.OciException;
import dev.berth.oci.image.Platform;
import dev.berth.oci.reference.Reference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The inputs of a Dockerfile that a lock pins, found without building: the images it uses (FROM of every stage,
 * including stages the default target does not need; {@code COPY --from} and {@code RUN --mount=from} naming an image
 * rather than a stage) for each platform, and its remote ADD sources.
 *
 * <p>Variables are substituted as a build would: FROM with the global ARGs (their defaults, overridden by build args)
 * and the automatic platform args ({@code TARGETPLATFORM}, {@code TARGETOS}, {@code TARGETARCH}, {@code
 * TARGETVARIANT}, {@code BUILDPLATFORM} …); ADD and the flags of COPY and RUN with the stage's ARGs and ENVs (ENVs of
 * an earlier stage it is built FROM included). ENV values that come from a base image's config are not known here, so
 * a URL built from one is not substituted as the build will; such a URL shows up as drift.
 */
public final class DockerfileInputs {
    /**
     * One use of an image.
     *
     * @param reference the reference after substitution, normalized
     * @param platform the platform the image is used for (the target, or FROM's {@code --platform})
     * @param position where the Dockerfile names it
     */
    public record ImageUse(Reference reference, Platform platform, SourcePosition position) {
    }

    /**
     * One remote ADD source.
     *
     * @param url the URL after substitution
     * @param checksum ADD's {@code --checksum} after substitution, or null
     * @param position the ADD instruction's position
     */
    public record UrlUse(String url, String checksum, SourcePosition position) {
    }

    /** Every use, in Dockerfile order (an image used for two platforms appears twice). */
    public record Inputs(List<ImageUse> images, List<UrlUse> urls) {
        public Inputs {
            images = List.copyOf(images);
            urls = List.copyOf(urls);
        }

        /** The platforms each image is used for, by normalized reference, in first-use order. */
        public Map<String, List<Platform>> platformsByImage() {
            Map<String, List<Platform>> out = new LinkedHashMap<>();
            for (ImageUse use : images) {
                List<Platform> list = out.computeIfAbsent(use.reference().toString(), k -> new ArrayList<>());
                if (!list.contains(use.platform())) {
                    list.add(use.platform());
                }
            }
            return out;
        }

        /** The first use of each image, by normalized reference. */
        public Map<String, ImageUse> firstUseByImage() {
            Map<String, ImageUse> out = new LinkedHashMap<>();
            images.forEach(u -> out.putIfAbsent(u.reference().toString(), u));
            return out;
        }

        /** The uses of each URL, in order. */
        public Map<String, List<UrlUse>> usesByUrl() {
            Map<String, List<UrlUse>> out = new LinkedHashMap<>();
            urls.forEach(u -> out.computeIfAbsent(u.url(), k -> new ArrayList<>()).add(u));
            return out;
        }
    }

    private DockerfileInputs() {
    }

    /**
     * The inputs of {@code dockerfile} built with {@code buildArgs} for each of {@code targets} on {@code
     * buildPlatform}.
     *
     * @throws BuildException naming the position of an invalid image reference or platform, or of an ADD of a git
     *     repository (which a lock cannot pin)
     */
    public static Inputs scan(Dockerfile dockerfile, Map<String, String> buildArgs, Collection<Platform> targets,
                              Platform buildPlatform) {
        List<ImageUse> images = new ArrayList<>();
        List<UrlUse> urls = new ArrayList<>();
        for (Platform target : targets) {
            new Scan(dockerfile, buildArgs, Platforms.normalize(target), Platforms.normalize(buildPlatform), images, urls)
                    .run();
        }
        // URLs do not depend on the platform unless the Dockerfile says so; keep each (url, position) once.
        List<UrlUse> distinct = new ArrayList<>();
        for (UrlUse u : urls) {
            if (!distinct.contains(u)) {
                distinct.add(u);
            }
        }
        return new Inputs(images, distinct);
    }

    /** One pass over the Dockerfile for one target platform. */
    private static final class Scan {
        private final Dockerfile dockerfile;
        private final Map<String, String> buildArgs;
        private final Platform target;
        private final Platform buildPlatform;
        private final List<ImageUse> images;
        private final List<UrlUse> urls;
        /** Global ARG values (after build args), plus the automatic platform args. */
        private final Map<String, String> global = new HashMap<>();
        private final Map<String, String> automatic = new HashMap<>();
        /** Each stage's ENV at its end, by stage index, for stages built FROM it. */
        private final Map<Integer, Map<String, String>> stageEnv = new HashMap<>();
        private final Map<Integer, Platform> stagePlatform = new HashMap<>();

        Scan(Dockerfile dockerfile, Map<String, String> buildArgs, Platform target, Platform buildPlatform,
             List<ImageUse> images, List<UrlUse> urls) {
            this.dockerfile = dockerfile;
            this.buildArgs = buildArgs;
            this.target = target;
            this.buildPlatform = buildPlatform;
            this.images = images;
            this.urls = urls;
        }

        void run() {
            platformArgs("TARGET", target);
            platformArgs("BUILD", buildPlatform);
            global.putAll(automatic);
            for (Instruction.Arg arg : dockerfile.globalArgs()) {
                for (Instruction.ArgDeclaration d : arg.declarations()) {
                    String value = buildArgs.containsKey(d.name()) ? buildArgs.get(d.name())
                            : d.defaultValue() == null ? null : expander(global).word(d.defaultValue(), arg.position());
                    if (value != null) {
                        global.put(d.name(), value);
                    } else {
                        global.remove(d.name());
                    }
                }
            }
            for (Stage stage : dockerfile.stages()) {
                scanStage(stage);
            }
        }

        private void platformArgs(String prefix, Platform p) {
            automatic.put(prefix + "PLATFORM", Platforms.format(p));
            automatic.put(prefix + "OS", p.os());
            automatic.put(prefix + "ARCH", p.architecture());
            automatic.put(prefix + "VARIANT", p.variant() == null ? "" : p.variant());
        }

        private Expander expander(Map<String, String> scope) {
            return new Expander(dockerfile.escape(), scope::get);
        }

        private void scanStage(Stage stage) {
            Instruction.From from = stage.from();
            String image = expander(global).word(from.image(), from.position());
            Platform platform = target;
            if (from.platform() != null) {
                platform = Platforms.normalize(Platforms.parse(expander(global).word(from.platform(), from.position()),
                        from.position() + ": FROM --platform"));
            }
            Map<String, String> env = new HashMap<>();
            Integer parent = earlierStage(image, stage.index());
            if (parent != null) {
                env.putAll(stageEnv.getOrDefault(parent, Map.of()));
                if (from.platform() == null) {
                    platform = stagePlatform.getOrDefault(parent, target);
                }
            } else if (!image.equalsIgnoreCase("scratch")) {
                images.add(new ImageUse(reference(image, from.position(), "FROM"), platform, from.position()));
            }
            stagePlatform.put(stage.index(), platform);
            Map<String, String> args = new HashMap<>();
            for (Instruction instruction : stage.instructions()) {
                Map<String, String> scope = new HashMap<>(args);
                scope.putAll(env); // ENV wins over ARG of the same name
                Expander ex = expander(scope);
                switch (instruction) {
                    case Instruction.Arg arg -> {
                        for (Instruction.ArgDeclaration d : arg.declarations()) {
                            String value = stageArg(d, ex, arg.position());
                            if (value != null) {
                                args.put(d.name(), value);
                            } else {
                                args.remove(d.name());
                            }
                            scope.put(d.name(), env.getOrDefault(d.name(), value));
                        }
                    }
                    case Instruction.Env e -> {
                        // every pair sees the values from before the instruction: ENV a=2 b=$a takes the old a
                        for (Instruction.KeyValue kv : e.pairs()) {
                            env.put(ex.word(kv.key(), e.position()), ex.word(kv.value(), e.position()));
                        }
                    }
                    case Instruction.Add add -> {
                        String checksum = add.checksum() == null ? null : ex.word(add.checksum(), add.position());
                        for (String raw : add.spec().sources()) {
                            String source = ex.word(raw, add.position());
                            if (isGit(source)) {
                                throw new BuildException(add.position() + ": ADD of the git repository " + source
                                        + " cannot be locked: berth lock pins files by their sha256");
                            }
                            if (isUrl(source)) {
                                urls.add(new UrlUse(source, checksum, add.position()));
                            }
                        }
                    }
                    case Instruction.Copy copy -> {
                        if (copy.from() != null) {
                            String name = ex.word(copy.from(), copy.position());
                            if (dockerfile.stage(name).isEmpty()) {
                                images.add(new ImageUse(reference(name, copy.position(), "COPY --from"), platform,
                                        copy.position()));
                            }
                        }
                    }
                    case Instruction.Run run -> {
                        for (Instruction.RunMount mount : run.mounts()) {
                            String fromValue = mount.options().get("from");
                            if (fromValue != null && (mount.type().equals("bind") || mount.type().equals("cache"))) {
                                String name = ex.word(fromValue, run.position());
                                if (dockerfile.stage(name).isEmpty()) {
                                    images.add(new ImageUse(reference(name, run.position(), "RUN --mount=from"),
                                            platform, run.position()));
                                }
                            }
                        }
                    }
                    default -> {
                    }
                }
            }
            stageEnv.put(stage.index(), env);
        }

        /**
         * A stage's ARG: a build arg if given, else its own default, else the global ARG's value (an {@code ARG NAME}
         * without value in a stage brings the global one in), else the automatic platform arg of that name.
         */
        private String stageArg(Instruction.ArgDeclaration d, Expander ex, SourcePosition at) {
            if (buildArgs.containsKey(d.name())) {
                return buildArgs.get(d.name());
            }
            if (d.defaultValue() != null) {
                return ex.word(d.defaultValue(), at);
            }
            if (global.containsKey(d.name())) {
                return global.get(d.name());
            }
            return automatic.get(d.name());
        }

        /** The index of a stage before {@code before} named {@code name} (FROM names only earlier stages), or null. */
        private Integer earlierStage(String name, int before) {
            for (Stage s : dockerfile.stages()) {
                if (s.index() < before && s.name().isPresent() && s.name().get().equalsIgnoreCase(name)) {
                    return s.index();
                }
            }
            return null;
        }

        private static Reference reference(String text, SourcePosition at, String where) {
            if (text.isEmpty()) {
                throw new BuildException(at + ": " + where + " names no image (its variables are empty)");
            }
            try {
                return Reference.parse(text);
            } catch (OciException e) {
                throw new BuildException(at + ": " + where + ": " + e.getMessage());
            }
        }
    }

    /** ADD fetches {@code http://} and {@code https://} sources; everything else is a path in the context. */
    static boolean isUrl(String source) {
        String lower = source.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    /** The git sources ADD accepts: {@code git@host:…}, {@code git://…}, and URLs of a {@code .git} repository. */
    static boolean isGit(String source) {
        String lower = source.toLowerCase(Locale.ROOT);
        if (lower.startsWith("git@") || lower.startsWith("git://") || lower.startsWith("ssh://")) {
            return true;
        }
        if (isUrl(source)) {
            String path = lower.contains("#") ? lower.substring(0, lower.indexOf('#')) : lower;
            return path.endsWith(".git") || path.endsWith(".git/");
        }
        return false;
    }
}
