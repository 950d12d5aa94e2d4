package dev.berth.tiny.fleet;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.json.Json;
import dev.berth.tiny.TinyException;
import dev.berth.tiny.container.Signatures;
import dev.berth.tiny.container.TinyContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One simulated device: a directory with two slots (A and B) and a state file, as a microcontroller has two flash
 * banks and a boot flag. An update is written only into the inactive slot and verified blob by blob against its
 * digest before the boot flag (the state file, replaced atomically) points at it; so a corrupt or truncated download,
 * or one that does not fit the board, never replaces the working container.
 */
public final class Device {
    private final Path dir;

    Device(Path dir) {
        this.dir = dir;
    }

    static Device create(Path dir, DeviceState initial) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new TinyException("cannot create device " + initial.id() + " at " + dir + ": " + e.getMessage());
        }
        Device device = new Device(dir);
        device.write(initial);
        return device;
    }

    public DeviceState state() {
        try {
            return Json.read(Files.readAllBytes(dir.resolve("state.json")), DeviceState.class, "device state " + dir);
        } catch (IOException e) {
            throw new TinyException("cannot read device state in " + dir + ": " + e.getMessage());
        } catch (OciException e) {
            throw new TinyException(e.getMessage());
        }
    }

    private void write(DeviceState state) {
        Path tmp = dir.resolve("state.json.tmp");
        try {
            Files.write(tmp, Json.canonicalBytes(state));
            try {
                Files.move(tmp, dir.resolve("state.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve("state.json"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new TinyException("cannot write device state in " + dir + ": " + e.getMessage());
        }
    }

    private Path slotDir(String slot) {
        return dir.resolve("slot-" + slot);
    }

    /** Reads the container a slot holds, verifying every blob again (flash can rot too). */
    public TinyContainer load(String slot) {
        SlotState s = state().slot(slot);
        if (s == null) {
            throw new TinyException("slot " + slot + " of device " + state().id() + " is empty");
        }
        Path blobs = slotDir(slot);
        return TinyContainer.fromBlobs(Digest.parse(s.digest()), d -> {
            try {
                return Files.readAllBytes(blobs.resolve(d.encoded()));
            } catch (IOException e) {
                throw new TinyException("slot " + slot + " is missing blob " + d);
            }
        });
    }

    /**
     * Downloads, verifies and installs a container into the inactive slot, switches to it, and checks its health.
     *
     * @param trusted the key the container's signature must verify with, or null when none is required
     */
    public UpdateOutcome update(String reference, ContainerSource source, HealthCheck health, PublicKey trusted) {
        DeviceState state = state();
        Digest digest;
        try {
            digest = source.resolve(reference);
        } catch (TinyException e) {
            return record(state, UpdateOutcome.Result.REJECTED, "cannot resolve " + reference + ": " + e.getMessage());
        }
        if (trusted != null) {
            try {
                String signature = Signatures.signatureReference(reference, digest);
                Digest signatureDigest;
                try {
                    signatureDigest = source.resolve(signature);
                } catch (TinyException e) {
                    throw new TinyException("it is not signed (no " + signature + ")");
                }
                byte[] manifest = verified(signatureDigest, source.manifest(signature, signatureDigest), "signature manifest");
                Signatures.verify(digest, manifest, d -> source.blob(signature, d.digest()), trusted);
            } catch (TinyException e) {
                return record(state, UpdateOutcome.Result.REJECTED, "refused " + reference + ": " + e.getMessage());
            }
        }
        SlotState current = state.activeSlot();
        if (current != null && current.digest().equals(digest.toString()) && current.healthy()) {
            return new UpdateOutcome(state.id(), UpdateOutcome.Result.UNCHANGED, "already running " + reference);
        }
        String target = DeviceState.other(state.active());
        // The inactive slot is emptied first, in the state file too: a half-written slot is never taken for a container.
        state = state.withSlot(target, null);
        write(state);
        try {
            download(reference, digest, source, slotDir(target));
            SlotState installed = new SlotState(reference, digest.toString(), SlotState.UNCHECKED, null);
            write(state.withSlot(target, installed));
            TinyContainer container = load(target);
            container.estimate().requireFits(state.profile(), container.pipeline().arenaBytes());
            state = state.withSlot(target, installed);
        } catch (TinyException e) {
            write(state);
            deleteTree(slotDir(target));
            return record(state, UpdateOutcome.Result.REJECTED, "refused " + reference + ": " + e.getMessage());
        }
        String previous = state.active();
        state = state.withActive(target);
        write(state.withEvent("switched to slot " + target + " (" + reference + ")"));
        try {
            health.run(load(target));
        } catch (TinyException e) {
            state = state.withSlot(target, state.slot(target).withHealth(SlotState.FAILED, e.getMessage()));
            SlotState before = state.slot(previous);
            boolean canGoBack = previous != null && before != null && before.healthy();
            state = state.withActive(canGoBack ? previous : null);
            return record(state, UpdateOutcome.Result.ROLLED_BACK, reference + " failed its health check ("
                    + e.getMessage() + ")" + (canGoBack ? "; back on slot " + previous + " (" + before.reference() + ")"
                    : "; no previous container to go back to"));
        }
        state = state.withSlot(target, state.slot(target).withHealth(SlotState.HEALTHY, null));
        return record(state, UpdateOutcome.Result.UPDATED, "running " + reference + " from slot " + target);
    }

    /** Switches back to the other slot if it holds a container that was healthy, and checks it again. */
    public UpdateOutcome rollback(HealthCheck health) {
        DeviceState state = state();
        String other = DeviceState.other(state.active());
        SlotState previous = state.slot(other);
        if (state.active() == null || previous == null || !previous.healthy()) {
            return new UpdateOutcome(state.id(), UpdateOutcome.Result.UNCHANGED, "no healthy previous container in slot " + other);
        }
        String from = state.active();
        write(state.withActive(other));
        try {
            health.run(load(other));
        } catch (TinyException e) {
            state = state.withSlot(other, previous.withHealth(SlotState.FAILED, e.getMessage()));
            return record(state, UpdateOutcome.Result.UNCHANGED, "slot " + other + " failed its health check (" + e.getMessage()
                    + "); staying on slot " + from);
        }
        return record(state.withActive(other), UpdateOutcome.Result.ROLLED_BACK, "back on slot " + other + " (" + previous.reference() + ")");
    }

    private UpdateOutcome record(DeviceState state, UpdateOutcome.Result result, String detail) {
        write(state.withEvent(result.name().toLowerCase(java.util.Locale.ROOT) + ": " + detail));
        return new UpdateOutcome(state.id(), result, detail);
    }

    private static void download(String reference, Digest digest, ContainerSource source, Path slot) {
        deleteTree(slot);
        try {
            Files.createDirectories(slot);
        } catch (IOException e) {
            throw new TinyException("cannot create slot " + slot + ": " + e.getMessage());
        }
        byte[] manifestBytes = verified(digest, source.manifest(reference, digest), "manifest");
        store(slot, digest, manifestBytes);
        Manifest manifest;
        try {
            manifest = Json.read(manifestBytes, Manifest.class, "manifest of " + reference);
        } catch (OciException e) {
            throw new TinyException(e.getMessage());
        }
        List<Descriptor> blobs = new ArrayList<>();
        if (manifest.config() != null) {
            blobs.add(manifest.config());
        }
        blobs.addAll(manifest.layers());
        for (Descriptor d : blobs) {
            byte[] bytes = source.blob(reference, d.digest());
            if (bytes.length != d.size()) {
                throw new TinyException("download of " + d.digest() + " is truncated or padded: " + bytes.length
                        + " bytes, the manifest says " + d.size());
            }
            store(slot, d.digest(), verified(d.digest(), bytes, d.mediaType()));
        }
    }

    private static byte[] verified(Digest digest, byte[] bytes, String what) {
        if (!Digest.sha256(bytes).equals(digest)) {
            throw new TinyException("the downloaded " + what + " is corrupt: it does not match digest " + digest);
        }
        return bytes;
    }

    private static void store(Path slot, Digest digest, byte[] bytes) {
        try {
            Path tmp = slot.resolve(digest.encoded() + ".part");
            Files.write(tmp, bytes);
            Files.move(tmp, slot.resolve(digest.encoded()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new TinyException("cannot write to slot " + slot + ": " + e.getMessage());
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new TinyException("cannot clear " + root + ": " + e.getMessage());
        }
    }
}
