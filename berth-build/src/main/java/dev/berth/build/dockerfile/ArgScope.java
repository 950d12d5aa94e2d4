package dev.berth.build.dockerfile;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The build arguments a build sees, with the reference's scoping: ARGs before the first FROM are global and visible
 * only in FROM lines (image and {@code --platform}); a stage sees an ARG only after it declares it, and a
 * declaration without a default inherits the global value of the same name. The platform arguments
 * ({@link #PLATFORM_ARGS}) are defined in the global scope without a declaration, and inside a stage once declared.
 * The proxy arguments ({@link #PROXY_ARGS}) may be given with {@code --build-arg} without any declaration and then
 * reach every RUN's environment.
 */
public final class ArgScope {
    /** Set from the target and build platforms, usable in FROM without declaration. */
    public static final List<String> PLATFORM_ARGS = List.of("TARGETPLATFORM", "TARGETOS", "TARGETARCH",
            "TARGETVARIANT", "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT");
    /** Usable without an ARG declaration; kept out of the image's history by convention. */
    public static final List<String> PROXY_ARGS = List.of("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
            "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy");

    private final Dockerfile dockerfile;
    private final Map<String, String> buildArgs;
    private final Map<String, String> platformArgs;
    private final Map<String, String> globals = new LinkedHashMap<>();
    private final Set<String> declared = new LinkedHashSet<>();

    /**
     * Computes the global scope: each global ARG takes its {@code --build-arg} value, else its default (substituted
     * with the globals before it), else stays unset.
     *
     * @param buildArgs the {@code --build-arg} values
     * @param platformArgs the platform arguments' values, see {@link #platformArgs(String, String)}
     */
    public ArgScope(Dockerfile dockerfile, Map<String, String> buildArgs, Map<String, String> platformArgs) {
        this.dockerfile = dockerfile;
        this.buildArgs = Map.copyOf(buildArgs);
        this.platformArgs = Map.copyOf(platformArgs);
        Map<String, String> scope = new LinkedHashMap<>();
        for (Instruction.Arg arg : dockerfile.globalArgs()) {
            for (Instruction.ArgDeclaration d : arg.declarations()) {
                declared.add(d.name());
                String value = declare(d, arg.position(), name -> scope.containsKey(name) ? scope.get(name)
                        : this.platformArgs.get(name), null);
                scope.put(d.name(), value);
            }
        }
        scope.forEach((k, v) -> {
            if (v != null) {
                globals.put(k, v);
            }
        });
    }

    /**
     * The platform arguments for a target and a build platform written {@code os/arch[/variant]}
     * ({@code linux/amd64}, {@code linux/arm/v7}); a missing variant is the empty string.
     */
    public static Map<String, String> platformArgs(String targetPlatform, String buildPlatform) {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "TARGET", targetPlatform);
        put(m, "BUILD", buildPlatform);
        return m;
    }

    private static void put(Map<String, String> m, String prefix, String platform) {
        String[] parts = platform.split("/", 3);
        m.put(prefix + "PLATFORM", platform);
        m.put(prefix + "OS", parts[0]);
        m.put(prefix + "ARCH", parts.length > 1 ? parts[1] : "");
        m.put(prefix + "VARIANT", parts.length > 2 ? parts[2] : "");
    }

    /** The set global ARGs' values, in declaration order. */
    public Map<String, String> globals() {
        return Collections.unmodifiableMap(globals);
    }

    /** What FROM lines see: the global ARGs, then the platform arguments. */
    public Function<String, String> globalLookup() {
        return name -> globals.containsKey(name) ? globals.get(name)
                : declared.contains(name) ? null : platformArgs.get(name);
    }

    /** {@code stage}'s FROM with its image and {@code --platform} substituted from the global scope. */
    public Instruction.From expandFrom(Stage stage) {
        return (Instruction.From) new Expander(dockerfile.escape(), globalLookup()).expand(stage.from());
    }

    /** A new scope for building {@code stage} on a base image with environment {@code imageEnv} (ordered). */
    public StageScope stage(Map<String, String> imageEnv) {
        return new StageScope(this, imageEnv);
    }

    /**
     * The {@code --build-arg} names no ARG in the file declares (proxy arguments excepted): a build warns about
     * them, as they have no effect.
     */
    public Set<String> unusedBuildArgs() {
        Set<String> all = new LinkedHashSet<>(declared);
        for (Stage s : dockerfile.stages()) {
            for (Instruction i : s.instructions()) {
                if (i instanceof Instruction.Arg a) {
                    a.declarations().forEach(d -> all.add(d.name()));
                }
            }
        }
        Set<String> unused = new LinkedHashSet<>();
        for (String k : buildArgs.keySet()) {
            if (!all.contains(k) && !PROXY_ARGS.contains(k)) {
                unused.add(k);
            }
        }
        return unused;
    }

    Dockerfile dockerfile() {
        return dockerfile;
    }

    Map<String, String> buildArgs() {
        return buildArgs;
    }

    /**
     * The value an ARG declaration gets: its {@code --build-arg}, else its default substituted with {@code lookup},
     * else the global value (inside a stage), else the platform value, else null (declared but unset).
     */
    String declare(Instruction.ArgDeclaration d, SourcePosition at, Function<String, String> lookup,
                   Function<String, String> inherited) {
        if (buildArgs.containsKey(d.name())) {
            return buildArgs.get(d.name());
        }
        if (d.defaultValue() != null) {
            return new Expander(dockerfile.escape(), lookup).word(d.defaultValue(), at);
        }
        if (inherited != null) {
            String g = inherited.apply(d.name());
            if (g != null) {
                return g;
            }
        }
        return platformArgs.get(d.name());
    }

    Map<String, String> proxyArgs() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String p : PROXY_ARGS) {
            if (buildArgs.containsKey(p)) {
                m.put(p, buildArgs.get(p));
            }
        }
        return m;
    }
}
