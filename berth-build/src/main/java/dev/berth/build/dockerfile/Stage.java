package dev.berth.build.dockerfile;

import java.util.List;
import java.util.Optional;

/**
 * One build stage: its FROM and the instructions after it up to the next FROM.
 *
 * @param index the stage's position, from 0, which {@code COPY --from=0} also names
 * @param from the stage's FROM instruction
 * @param instructions the instructions after FROM, in order (FROM itself not included)
 */
public record Stage(int index, Instruction.From from, List<Instruction> instructions) {
    public Stage {
        instructions = List.copyOf(instructions);
    }

    /** The name given with {@code FROM … AS name}, lower-cased as Docker compares it. */
    public Optional<String> name() {
        return Optional.ofNullable(from.stageName());
    }
}
