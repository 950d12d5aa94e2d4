package dev.berth.cli.tiny;

import dev.berth.cli.GlobalOptions;
import dev.berth.tiny.fleet.DeviceState;
import dev.berth.tiny.fleet.Fleet;
import dev.berth.tiny.fleet.SlotState;
import dev.berth.tiny.fleet.UpdateOutcome;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Where fleets live, and the status table every fleet command ends with. */
final class FleetTable {
    private FleetTable() {
    }

    static Path dir(String fleet) {
        return GlobalOptions.rootDir().resolve("tiny/fleets").resolve(fleet);
    }

    /** One line a device: its board, the booted slot, what it runs, its health, and what the last step did. */
    static void print(PrintWriter out, Fleet fleet, List<UpdateOutcome> outcomes) {
        Map<String, UpdateOutcome> byDevice = outcomes.stream().collect(Collectors.toMap(UpdateOutcome::device, Function.identity()));
        out.printf("%-24s %-4s %-40s %-9s %-11s %s%n", "DEVICE", "SLOT", "CONTAINER", "HEALTH", "LAST STEP", "DETAIL");
        for (DeviceState s : fleet.status()) {
            SlotState active = s.activeSlot();
            UpdateOutcome o = byDevice.get(s.id());
            out.printf("%-24s %-4s %-40s %-9s %-11s %s%n", s.id(), s.active() == null ? "-" : s.active(),
                    active == null ? "(none)" : active.reference(), active == null ? "-" : active.health(),
                    o == null ? "-" : o.result().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                    o == null ? (s.lastEvent() == null ? "" : s.lastEvent()) : o.detail());
        }
        out.flush();
    }
}
