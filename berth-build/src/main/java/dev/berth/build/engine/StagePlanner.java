package dev.berth.build.engine;

import dev.berth.build.BuildException;
import dev.berth.build.dockerfile.Dockerfile;
import dev.berth.build.dockerfile.Expander;
import dev.berth.build.dockerfile.Instruction;
import dev.berth.build.dockerfile.Stage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which stages a target needs (its own, and every stage it reads through FROM, COPY --from and RUN --mount from=,
 * transitively) and that they form no cycle. Stages the target does not need are not built at all.
 */
final class StagePlanner {
    private StagePlanner() {
    }

    /** The indexes of the stages {@code target} needs, itself included, ascending. */
    static Set<Integer> needed(Dockerfile dockerfile, Stage target, Map<String, String> globalArgs) {
        Map<Integer, List<Integer>> deps = new HashMap<>();
        for (Stage s : dockerfile.stages()) {
            deps.put(s.index(), dependencies(dockerfile, s, globalArgs));
        }
        Set<Integer> needed = new TreeSet<>();
        Map<Integer, Integer> state = new HashMap<>(); // 1 visiting, 2 done
        visit(dockerfile, target.index(), deps, state, new ArrayList<>(), needed);
        return needed;
    }

    private static void visit(Dockerfile df, int stage, Map<Integer, List<Integer>> deps, Map<Integer, Integer> state,
                              List<Integer> path, Set<Integer> needed) {
        Integer s = state.get(stage);
        if (s != null && s == 2) {
            return;
        }
        if (s != null && s == 1) {
            List<String> names = new ArrayList<>();
            for (int i = path.indexOf(stage); i < path.size(); i++) {
                names.add(name(df.stages().get(path.get(i))));
            }
            names.add(name(df.stages().get(stage)));
            Stage at = df.stages().get(stage);
            throw new BuildException(at.from().position() + ": the stages depend on each other in a cycle: "
                    + String.join(" -> ", names));
        }
        state.put(stage, 1);
        path.add(stage);
        for (int dep : deps.get(stage)) {
            visit(df, dep, deps, state, path, needed);
        }
        path.removeLast();
        state.put(stage, 2);
        needed.add(stage);
    }

    private static String name(Stage s) {
        return s.name().orElse("stage " + s.index());
    }

    /** The stages one stage reads directly. */
    static List<Integer> dependencies(Dockerfile dockerfile, Stage stage, Map<String, String> globalArgs) {
        Set<Integer> deps = new LinkedHashSet<>();
        Expander global = new Expander(dockerfile.escape(), globalArgs::get);
        String fromImage = substitute(global, stage.from().image(), stage.from());
        for (Stage s : dockerfile.stages()) {
            if (s.index() < stage.index() && s.name().isPresent() && s.name().get().equalsIgnoreCase(fromImage)) {
                deps.add(s.index());
            }
        }
        for (Instruction i : stage.instructions()) {
            switch (i) {
                case Instruction.Copy c when c.from() != null ->
                        stageNamed(dockerfile, substitute(global, c.from(), c), stage).ifPresent(deps::add);
                case Instruction.Run r -> {
                    for (Instruction.RunMount m : r.mounts()) {
                        String from = m.options().get("from");
                        if (from != null && !from.isEmpty()) {
                            stageNamed(dockerfile, substitute(global, from, r), stage).ifPresent(deps::add);
                        }
                    }
                }
                default -> {
                }
            }
        }
        return new ArrayList<>(deps);
    }

    private static Optional<Integer> stageNamed(Dockerfile dockerfile, String name, Stage self) {
        Optional<Stage> s = dockerfile.stage(name);
        if (s.isPresent() && s.get().index() == self.index()) {
            Instruction.From f = self.from();
            throw new BuildException(f.position() + ": stage " + name(self) + " copies from itself (--from=" + name + ")");
        }
        return s.map(Stage::index);
    }

    /** Best effort: a value that cannot be substituted with the global arguments alone is taken as written. */
    private static String substitute(Expander global, String value, Instruction at) {
        if (value == null || value.indexOf('$') < 0) {
            return value;
        }
        try {
            return global.word(value, at.position());
        } catch (BuildException | UnsupportedOperationException e) {
            return value;
        }
    }
}
