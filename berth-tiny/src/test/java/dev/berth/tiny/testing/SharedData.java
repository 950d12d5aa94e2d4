package dev.berth.tiny.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real models and inputs in {@code ../shared/tinyml/} beside the repository (they cannot be committed).
 * Tests that need them are skipped, with a message saying what was not checked, when the folder is absent:
 * a fresh clone still runs every kernel test on the models the tests build themselves, and CI, which has the
 * folder, runs these too.
 */
public final class SharedData {
    private SharedData() {
    }

    public static Path root() {
        String repo = System.getenv().getOrDefault("BERTH_REPO_ROOT",
                Path.of("").toAbsolutePath().getParent().toString());
        return Path.of(repo).resolve("../shared/tinyml").normalize();
    }

    /** The file at {@code relative} under the shared folder; skips the calling test when it is absent. */
    public static Path require(String relative) {
        Path file = root().resolve(relative);
        assumeTrue(Files.exists(file), "shared TinyML test data absent (" + file
                + "): the check against the real model is NOT run");
        return file;
    }
}
