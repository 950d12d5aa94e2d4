package dev.berth.daemon.engine;

import java.security.SecureRandom;
import java.util.List;
import java.util.function.Predicate;

/** Names for containers created without one: adjective_noun, as Docker's, from Berth's own harbour-flavoured lists. */
final class Names {
    private static final List<String> LEFT = List.of("amber", "brave", "calm", "deft", "eager", "fond", "gentle", "hardy",
            "keen", "lucid", "merry", "nimble", "patient", "quiet", "rapid", "steady", "tidy", "upbeat", "vivid", "witty");
    private static final List<String> RIGHT = List.of("anchor", "barge", "buoy", "cutter", "dinghy", "dock", "ferry",
            "galley", "harbor", "jetty", "keel", "lighthouse", "marina", "mooring", "pier", "quay", "rudder", "schooner",
            "tug", "wharf");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Names() {
    }

    static String generate(Predicate<String> taken) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            String name = LEFT.get(RANDOM.nextInt(LEFT.size())) + "_" + RIGHT.get(RANDOM.nextInt(RIGHT.size()));
            if (attempt >= 10) {
                name += "_" + RANDOM.nextInt(10_000);
            }
            if (!taken.test(name)) {
                return name;
            }
        }
        throw new IllegalStateException("cannot find a free container name");
    }
}
