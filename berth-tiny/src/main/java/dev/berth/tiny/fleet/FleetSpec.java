package dev.berth.tiny.fleet;

import java.util.List;
import java.util.Map;

/**
 * A fleet as created: its devices and its health check (sample inputs by capability, stored in the fleet's
 * {@code health/} folder, and the instruction budget), and the public key updates must be signed with, if any.
 *
 * @param trustedKey the file name of the Ed25519 public key in the fleet's folder, or null when updates need no signature
 */
public record FleetSpec(String name, List<String> devices, Map<String, String> healthSamples, long instructionBudget,
                        String trustedKey) {
    public FleetSpec {
        devices = List.copyOf(devices);
        healthSamples = Map.copyOf(healthSamples);
    }
}
