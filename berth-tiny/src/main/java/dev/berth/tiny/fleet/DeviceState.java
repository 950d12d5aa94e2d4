package dev.berth.tiny.fleet;

import dev.berth.tiny.container.DeviceProfile;

/**
 * A device's persistent state: its board, which slot boots ({@code A}, {@code B}, or null before the first install)
 * and what each slot holds (null when empty).
 */
public record DeviceState(String id, DeviceProfile profile, String active, SlotState a, SlotState b, String lastEvent) {
    public SlotState slot(String name) {
        return "A".equals(name) ? a : "B".equals(name) ? b : null;
    }

    public SlotState activeSlot() {
        return slot(active);
    }

    public static String other(String slot) {
        return "A".equals(slot) ? "B" : "A";
    }

    DeviceState withSlot(String name, SlotState state) {
        return "A".equals(name) ? new DeviceState(id, profile, active, state, b, lastEvent)
                : new DeviceState(id, profile, active, a, state, lastEvent);
    }

    DeviceState withActive(String slot) {
        return new DeviceState(id, profile, slot, a, b, lastEvent);
    }

    DeviceState withEvent(String event) {
        return new DeviceState(id, profile, active, a, b, event);
    }
}
