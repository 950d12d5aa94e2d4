package dev.berth.tiny.fleet;

import java.util.List;
import java.util.Map;

/**
 * A fleet as created: its devices and its health check (sample inputs by capability, stored in the fleet's
 * {@code health/} folder, and the instruction budget).
 */
public record FleetSpec(String name, List<String> devices, Map<String, String> healthSamples, long instructionBudget) {
    public FleetSpec {
        devices = List.copyOf(devices);
        healthSamples = Map.copyOf(healthSamples);
    }
}
