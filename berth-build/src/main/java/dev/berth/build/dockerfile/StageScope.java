package dev.berth.build.dockerfile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The variables one stage sees while it is built: the base image's environment and the stage's ENV instructions,
 * which always win over an ARG of the same name, then the ARGs the stage declared so far, then proxy arguments
 * given with {@code --build-arg}. Create with {@link ArgScope#stage(Map)}; feed it every instruction of the stage
 * in order through {@link #expand(Instruction)}.
 */
public final class StageScope {
    private final ArgScope scope;
    private final Map<String, String> env;
    private final Map<String, String> args = new LinkedHashMap<>();

    StageScope(ArgScope scope, Map<String, String> imageEnv) {
        this.scope = scope;
        this.env = new LinkedHashMap<>(imageEnv);
    }

    /** A variable's value as instructions of this stage see it, or null when unset. */
    public String lookup(String name) {
        if (env.containsKey(name)) {
            return env.get(name);
        }
        if (args.containsKey(name)) {
            return args.get(name);
        }
        return scope.proxyArgs().get(name);
    }

    /**
     * {@code raw} (an instruction of this stage, as parsed) substituted with the variables so far, recording what
     * it declares: an ARG's names (each default sees the names declared before it in the same instruction), an
     * ENV's values (all of them substituted with the values before the instruction, as the reference says).
     */
    public Instruction expand(Instruction raw) {
        Expander expander = new Expander(scope.dockerfile().escape(), this::lookup);
        if (raw instanceof Instruction.Arg arg) {
            List<Instruction.ArgDeclaration> out = new ArrayList<>();
            for (Instruction.ArgDeclaration d : arg.declarations()) {
                String expandedDefault = d.defaultValue() == null ? null
                        : expander.word(d.defaultValue(), arg.position());
                String value = scope.declare(d, arg.position(), this::lookup, scope.globalLookup());
                args.put(d.name(), value);
                out.add(new Instruction.ArgDeclaration(d.name(), expandedDefault));
            }
            return new Instruction.Arg(arg.position(), arg.source(), out);
        }
        Instruction expanded = expander.expand(raw);
        if (expanded instanceof Instruction.Env e) {
            e.pairs().forEach(kv -> env.put(kv.key(), kv.value()));
        }
        return expanded;
    }

    /** The environment (base image and ENV instructions), in order: what the image's config records. */
    public Map<String, String> environment() {
        return Collections.unmodifiableMap(env);
    }

    /** The ARGs declared so far that have a value, in order. */
    public Map<String, String> args() {
        Map<String, String> m = new LinkedHashMap<>();
        args.forEach((k, v) -> {
            if (v != null) {
                m.put(k, v);
            }
        });
        return m;
    }

    /**
     * What a RUN's process gets as environment: proxy arguments, then the declared ARGs, then the environment,
     * later entries winning (ENV over ARG).
     */
    public Map<String, String> runEnvironment() {
        Map<String, String> m = new LinkedHashMap<>(scope.proxyArgs());
        m.putAll(args());
        m.putAll(env);
        return m;
    }
}
