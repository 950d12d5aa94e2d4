package dev.berth.build.dockerfile;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed Dockerfile, before any variable is substituted (substitution needs the build arguments and the base
 * image's environment, so it happens while building: see {@link Expander}).
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
}
