package dev.berth.build.dockerfile;

import dev.berth.build.BuildException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A parsed Dockerfile, before any variable is substituted (substitution needs the build arguments and the base
 * image's environment, so it happens while building: see {@link Expander} and {@link ArgScope}).
 *
 * @param file the name errors use ("Dockerfile", "app/Dockerfile.dev")
 * @param escape the escape character, {@code \} unless a {@code # escape=} directive says {@code `}
 * @param directives the parser directives at the top of the file, keys lower-case ("syntax", "escape", "check")
 * @param globalArgs the ARG instructions before the first FROM, in order
 * @param stages the stages, in file order; a file without FROM is an error, so there is at least one
 */
public record Dockerfile(String file, char escape, Map<String, String> directives, List<Instruction.Arg> globalArgs,
                         List<Stage> stages) {
    public Dockerfile {
        directives = Map.copyOf(directives);
        globalArgs = List.copyOf(globalArgs);
        stages = List.copyOf(stages);
    }

    /** The stage a {@code --target}, {@code COPY --from} or {@code FROM} names: by name (case-insensitive) or index. */
    public Optional<Stage> stage(String nameOrIndex) {
        for (Stage s : stages) {
            if (s.name().isPresent() && s.name().get().equalsIgnoreCase(nameOrIndex)) {
                return Optional.of(s);
            }
        }
        if (nameOrIndex.matches("[0-9]{1,9}")) {
            int i = Integer.parseInt(nameOrIndex);
            if (i < stages.size()) {
                return Optional.of(stages.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * The earlier stage that {@code stage}'s FROM builds on, when its (substituted) image names one; empty when it
     * is an image. Only stages before it count, so {@code FROM golang AS golang} still pulls the image.
     */
    public Optional<Stage> baseStage(Stage stage, String image) {
        for (Stage s : stages.subList(0, stage.index())) {
            if (s.name().isPresent() && s.name().get().equalsIgnoreCase(image)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The target stage: by name or index, or the last stage when {@code target} is null. */
    public Stage target(String target) {
        if (target == null) {
            return stages.getLast();
        }
        return stage(target.toLowerCase(Locale.ROOT)).orElseThrow(() -> new BuildException(file + ": target stage "
                + target + " not found (stages: " + String.join(", ", stages.stream()
                .map(s -> s.name().orElse(String.valueOf(s.index()))).toList()) + ")"));
    }

    /**
     * The stages building {@code target} needs, dependencies before the stages that use them (ties in file order),
     * {@code target} last. Stage references ({@code FROM}, {@code COPY --from}, {@code RUN --mount from=}) that hold
     * variables are substituted with the global ARG defaults; see {@link #stagesNeededFor(String, Function)}.
     *
     * @param target a stage name or index, or null for the last stage
     * @throws BuildException when the target does not exist, a stage index is out of range, or stages form a cycle
     */
    public List<Stage> stagesNeededFor(String target) {
        return stagesNeededFor(target, new ArgScope(this, Map.of(), Map.of()).globalLookup());
    }

    /**
     * Like {@link #stagesNeededFor(String)}, substituting stage references with {@code lookup} (usually
     * {@link ArgScope#globalLookup()} with the build's arguments). A reference that is not a stage name or index is
     * an image and adds no dependency.
     */
    public List<Stage> stagesNeededFor(String target, Function<String, String> lookup) {
        Stage goal = target(target);
        Map<Integer, List<Reference>> edges = new HashMap<>();
        for (Stage s : stages) {
            edges.put(s.index(), references(s, lookup));
        }
        List<Stage> order = new ArrayList<>();
        visit(goal, edges, new LinkedHashSet<>(), new HashMap<>(), order, null);
        return order;
    }

    /** A stage's use of another stage, where it is written. */
    private record Reference(Stage to, SourcePosition at, String how) {
    }

    private void visit(Stage s, Map<Integer, List<Reference>> edges, LinkedHashSet<Integer> path,
                       Map<Integer, Boolean> done, List<Stage> order, Reference via) {
        if (done.containsKey(s.index())) {
            return;
        }
        if (path.contains(s.index())) {
            List<String> cycle = new ArrayList<>();
            boolean in = false;
            for (int i : path) {
                in |= i == s.index();
                if (in) {
                    cycle.add(label(stages.get(i)));
                }
            }
            cycle.add(label(s));
            throw new BuildException(via.at() + ": " + via.how() + " makes a cycle of stages: "
                    + String.join(" -> ", cycle));
        }
        path.add(s.index());
        for (Reference r : edges.get(s.index())) {
            visit(r.to(), edges, path, done, order, r);
        }
        path.remove(s.index());
        done.put(s.index(), true);
        order.add(s);
    }

    private static String label(Stage s) {
        return s.name().orElse("stage " + s.index());
    }

    private List<Reference> references(Stage s, Function<String, String> lookup) {
        List<Reference> out = new ArrayList<>();
        Expander expander = new Expander(escape, lookup);
        String image = expander.word(s.from().image(), s.from().position());
        baseStage(s, image).ifPresent(b -> out.add(new Reference(b, s.from().position(), "FROM " + image)));
        for (Instruction i : s.instructions()) {
            if (i instanceof Instruction.Copy c && c.from() != null) {
                reference(expander.word(c.from(), c.position()), c.position(), "COPY --from=", out);
            } else if (i instanceof Instruction.Run r) {
                for (Instruction.RunMount m : r.mounts()) {
                    String from = m.options().get("from");
                    if (from != null) {
                        reference(expander.word(from, r.position()), r.position(), "RUN --mount from=", out);
                    }
                }
            }
        }
        return out;
    }

    private void reference(String name, SourcePosition at, String how, List<Reference> out) {
        Optional<Stage> to = stage(name.toLowerCase(Locale.ROOT));
        if (to.isPresent()) {
            out.add(new Reference(to.get(), at, how + name));
        } else if (name.matches("[0-9]+")) {
            throw new BuildException(at + ": " + how + name + ": there is no stage " + name + " (stages are 0 to "
                    + (stages.size() - 1) + ")");
        }
    }
}
