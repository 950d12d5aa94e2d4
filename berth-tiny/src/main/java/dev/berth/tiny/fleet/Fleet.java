package dev.berth.tiny.fleet;

import dev.berth.oci.OciException;
import dev.berth.oci.json.Json;
import dev.berth.tiny.TinyException;
import dev.berth.tiny.container.DeviceProfile;
import dev.berth.tiny.container.Signatures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * A simulated fleet of devices in a directory ({@code fleet.json}, {@code health/}, {@code devices/ID/}). Rollouts
 * update every device on its own thread, a canary group first when asked: if any canary fails, the rest are left
 * alone.
 */
public final class Fleet {
    private final Path dir;
    private final FleetSpec spec;

    private Fleet(Path dir, FleetSpec spec) {
        this.dir = dir;
        this.spec = spec;
    }

    /**
     * Creates a fleet of {@code size} devices of one profile.
     *
     * @param samples capability key (stage name or kind) to a sample file for the health check
     * @param trustedKey an Ed25519 public key (PEM) every update must be signed with, or null for none
     */
    public static Fleet create(Path dir, String name, int size, DeviceProfile profile, Map<String, Path> samples, long budget,
                               Path trustedKey) {
        if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            throw new TinyException("invalid fleet name '" + name + "': use letters, digits, '.', '_' and '-'");
        }
        if (size < 1 || size > 10_000) {
            throw new TinyException("a fleet has 1 to 10000 devices, not " + size);
        }
        if (Files.exists(dir.resolve("fleet.json"))) {
            throw new TinyException("fleet '" + name + "' already exists");
        }
        try {
            Files.createDirectories(dir.resolve("health"));
            Map<String, String> stored = new LinkedHashMap<>();
            for (Map.Entry<String, Path> e : samples.entrySet()) {
                if (!Files.isRegularFile(e.getValue())) {
                    throw new TinyException("health sample for " + e.getKey() + ": file " + e.getValue() + " not found");
                }
                String file = e.getKey() + "-" + e.getValue().getFileName();
                Files.copy(e.getValue(), dir.resolve("health").resolve(file));
                stored.put(e.getKey(), file);
            }
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= size; i++) {
                String id = String.format("%s-%03d", profile.name(), i);
                Device.create(dir.resolve("devices").resolve(id), new DeviceState(id, profile, null, null, null, "created"));
                ids.add(id);
            }
            String keyFile = null;
            if (trustedKey != null) {
                Signatures.readPublic(trustedKey);
                keyFile = "trusted-key.pem";
                Files.copy(trustedKey, dir.resolve(keyFile));
            }
            FleetSpec spec = new FleetSpec(name, ids, stored, budget, keyFile);
            Files.write(dir.resolve("fleet.json"), Json.canonicalBytes(spec));
            return new Fleet(dir, spec);
        } catch (IOException e) {
            Device.deleteTree(dir);
            throw new TinyException("cannot create fleet '" + name + "' in " + dir + ": " + e.getMessage());
        } catch (TinyException e) {
            Device.deleteTree(dir);
            throw e;
        }
    }

    public static Fleet open(Path dir) {
        Path file = dir.resolve("fleet.json");
        if (!Files.isRegularFile(file)) {
            throw new TinyException("no fleet '" + dir.getFileName() + "' (create it with 'berth tiny fleet create')");
        }
        try {
            return new Fleet(dir, Json.read(Files.readAllBytes(file), FleetSpec.class, "fleet " + dir.getFileName()));
        } catch (IOException e) {
            throw new TinyException("cannot read fleet " + dir + ": " + e.getMessage());
        } catch (OciException e) {
            throw new TinyException(e.getMessage());
        }
    }

    public FleetSpec spec() {
        return spec;
    }

    public List<Device> devices() {
        return spec.devices().stream().map(id -> new Device(dir.resolve("devices").resolve(id))).toList();
    }

    public HealthCheck healthCheck() {
        Map<String, HealthCheck.Sample> samples = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : spec.healthSamples().entrySet()) {
            try {
                samples.put(e.getKey(), new HealthCheck.Sample(e.getValue(), Files.readAllBytes(dir.resolve("health").resolve(e.getValue()))));
            } catch (IOException ex) {
                throw new TinyException("fleet health sample " + e.getValue() + " cannot be read: " + ex.getMessage());
            }
        }
        return new HealthCheck(samples, spec.instructionBudget());
    }

    /**
     * Rolls a container out. With {@code canaryPercent} in 1..99, that share of the devices (at least one) updates
     * first, and the rest only if every canary ends up updated (or already running it).
     */
    public List<UpdateOutcome> rollout(String reference, ContainerSource source, int canaryPercent) {
        if (canaryPercent < 0 || canaryPercent > 100) {
            throw new TinyException("--canary must be between 0% and 100%, not " + canaryPercent + "%");
        }
        try (FleetLock lock = FleetLock.acquire(dir, spec.name())) {
            return rolloutLocked(reference, source, canaryPercent);
        }
    }

    private List<UpdateOutcome> rolloutLocked(String reference, ContainerSource source, int canaryPercent) {
        HealthCheck health = healthCheck();
        java.security.PublicKey trusted = spec.trustedKey() == null ? null : Signatures.readPublic(dir.resolve(spec.trustedKey()));
        List<Device> all = devices();
        int canaries = canaryPercent == 0 || canaryPercent == 100 ? all.size()
                : Math.max(1, (int) Math.ceil(all.size() * canaryPercent / 100.0));
        List<UpdateOutcome> outcomes = new ArrayList<>(inParallel(all.subList(0, canaries), d -> d.update(reference, source, health, trusted)));
        boolean canaryOk = outcomes.stream().allMatch(o -> o.result() == UpdateOutcome.Result.UPDATED
                || o.result() == UpdateOutcome.Result.UNCHANGED);
        for (Device d : all.subList(canaries, all.size())) {
            if (!canaryOk) {
                outcomes.add(new UpdateOutcome(d.state().id(), UpdateOutcome.Result.UNCHANGED, "skipped: the canary devices failed"));
            }
        }
        if (canaryOk) {
            outcomes.addAll(inParallel(all.subList(canaries, all.size()), d -> d.update(reference, source, health, trusted)));
        }
        return outcomes;
    }

    /** Every device goes back to its other slot, where that slot holds a container that was healthy. */
    public List<UpdateOutcome> rollback() {
        try (FleetLock lock = FleetLock.acquire(dir, spec.name())) {
            HealthCheck health = healthCheck();
            return inParallel(devices(), d -> d.rollback(health));
        }
    }

    /** Each device's state, for the status table. */
    public List<DeviceState> status() {
        return devices().stream().map(Device::state).toList();
    }

    private static List<UpdateOutcome> inParallel(List<Device> devices, Function<Device, UpdateOutcome> step) {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<UpdateOutcome>> futures = devices.stream().map(d -> threads.submit(() -> step.apply(d))).toList();
            List<UpdateOutcome> outcomes = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    outcomes.add(futures.get(i).get());
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    outcomes.add(new UpdateOutcome(devices.get(i).state().id(), UpdateOutcome.Result.REJECTED,
                            cause instanceof TinyException ? cause.getMessage() : "device failed: " + cause));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TinyException("interrupted during the rollout");
                }
            }
            return outcomes;
        }
    }
}
