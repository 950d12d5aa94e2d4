package dev.berth.build.engine;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The clock of one build. A reproducible build ({@code SOURCE_DATE_EPOCH}) stamps every layer entry, history entry and
 * the image's {@code created} with that one time; an ordinary build uses the time each step ran, and the build's start
 * (in whole seconds) for the files in its layers.
 */
record Times(Long epoch, long startSeconds) {
    static Times of(Long epoch) {
        return new Times(epoch, Instant.now().getEpochSecond());
    }

    boolean reproducible() {
        return epoch != null;
    }

    /** The modification time written on every entry of a new layer. */
    long layerMtime() {
        return epoch != null ? epoch : startSeconds;
    }

    /** The {@code created} of a step that runs now. */
    String now() {
        return epoch != null ? Instant.ofEpochSecond(epoch).toString()
                : Instant.now().truncatedTo(ChronoUnit.MICROS).toString();
    }

    /** What goes into cache keys: layers of a reproducible build differ from ordinary ones by their times. */
    String keyPart() {
        return epoch != null ? "epoch=" + epoch : "ordinary";
    }
}
