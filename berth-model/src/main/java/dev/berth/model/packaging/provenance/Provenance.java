package dev.berth.model.packaging.provenance;

import java.time.Instant;

/**
 * Where a packaged model came from: who built it on which machine, with which Berth, when, and from which commit.
 *
 * @param builtBy "user@host"
 * @param created the build time written into the image (SOURCE_DATE_EPOCH when set, so packaging is reproducible)
 * @param git the repository the model file sits in, or null when it sits in none
 */
public record Provenance(String builtBy, String berthVersion, Instant created, GitOrigin git) {

    /** The reproducible-builds timestamp from the environment, or now when SOURCE_DATE_EPOCH is unset. */
    public static Instant createdFromEnvironment() {
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        if (epoch == null || epoch.isBlank()) {
            return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        }
        return Instant.ofEpochSecond(dev.berth.oci.layer.LayerOptions.sourceDateEpoch());
    }

    /** Provenance of a build happening now on this machine, for the given model file. */
    public static Provenance here(String berthVersion, Instant created, java.nio.file.Path modelFile) {
        return new Provenance(BuildHost.userAtHost(), berthVersion, created, GitOrigin.of(modelFile).orElse(null));
    }
}
