package dev.berth.tiny.fleet;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.ImageStore;
import dev.berth.registry.client.RegistryClient;
import dev.berth.registry.client.TransferListener;
import dev.berth.registry.server.RegistryServer;
import dev.berth.tiny.blocks.WasmBlock;
import dev.berth.tiny.container.DeviceCatalog;
import dev.berth.tiny.container.DeviceProfile;
import dev.berth.tiny.container.Signatures;
import dev.berth.tiny.container.TinyBuilder;
import dev.berth.tiny.testing.AffineModel;
import dev.berth.tiny.testing.WasmBlocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fleet of simulated devices pulls tiny containers from a real Berth registry on 127.0.0.1: good versions roll out,
 * a bad one (its block blows its instruction budget in the health check) is rolled back by every device, a corrupt or
 * truncated download is refused, and no device is ever left without a working container.
 */
class FleetTest {
    @TempDir
    Path root;
    RegistryServer registry;
    String repo;
    ImageStore store;
    Path fleetDir;

    @BeforeEach
    void setUp() throws IOException {
        store = ImageStore.open(root.resolve("store"));
        registry = RegistryServer.start(new RegistryServer.Config(root.resolve("registry"), "127.0.0.1", 0, false));
        repo = registry.baseUri().getAuthority() + "/tiny/app";
        Path build = Files.createDirectories(root.resolve("build"));
        Files.write(build.resolve("affine.tflite"), AffineModel.bytes(2f, 1f));
        for (String block : List.of("DOUBLE", "IDENTITY", "SPIN")) {
            WasmBlocks.compile(block, build.resolve(block.toLowerCase() + ".wasm"));
        }
        // app:1 doubles before the model, app:2 passes through, app:3 spins forever (fails its health check)
        publish(build, "double", "1");
        publish(build, "identity", "2");
        publish(build, "spin", "3");
        Path sample = root.resolve("sample.raw");
        Files.write(sample, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).array());
        fleetDir = root.resolve("fleets/lab");
        Fleet.create(fleetDir, "lab", 5, DeviceCatalog.builtIn().get("nrf52840"), Map.of("RAW", sample), 1_000_000, null);
    }

    @AfterEach
    void tearDown() {
        if (registry != null) {
            registry.close();
        }
    }

    private void publish(Path build, String block, String version) throws IOException {
        Files.writeString(build.resolve("Tinyfile"), """
                version: 1
                image: runicos/base
                pipeline:
                  x:
                    capability: RAW
                    outputs: [{type: F32, dimensions: [1, 1]}]
                  block:
                    proc-block: ./%s.wasm
                    inputs: [x]
                    outputs: [{type: F32, dimensions: [1, 1]}]
                  model:
                    model: ./affine.tflite
                    inputs: [block]
                    outputs: [{type: F32, dimensions: [1, 1]}]
                  serial:
                    out: serial
                    inputs: [model]
                """.formatted(block));
        new TinyBuilder(store).build(build.resolve("Tinyfile"), build, "tiny/app:" + version, null);
        try (RegistryClient client = RegistryClient.withDefaults()) {
            client.push(store, "tiny/app:" + version, Reference.parse(repo + ":" + version), TransferListener.none());
        }
    }

    private static long count(List<UpdateOutcome> outcomes, UpdateOutcome.Result result) {
        return outcomes.stream().filter(o -> o.result() == result).count();
    }

    /** Every device boots a container that loads from its slot, verifies and passes the health check. */
    private void everyDeviceRunsAWorkingContainer(Fleet fleet, String expectedReference) {
        for (Device device : fleet.devices()) {
            DeviceState state = device.state();
            assertThat(state.activeSlot()).as(state.id()).isNotNull();
            assertThat(state.activeSlot().reference()).as(state.id()).isEqualTo(expectedReference);
            assertThat(state.activeSlot().healthy()).isTrue();
            fleet.healthCheck().run(device.load(state.active()));
        }
    }

    @Test
    void goodVersionsRollOutABadOneRollsBackAndRollbackGoesToThePreviousSlot() {
        Fleet fleet = Fleet.open(fleetDir);
        RegistrySource source = new RegistrySource();

        List<UpdateOutcome> first = fleet.rollout(repo + ":1", source, 0);
        assertThat(count(first, UpdateOutcome.Result.UPDATED)).as(first.toString()).isEqualTo(5);
        everyDeviceRunsAWorkingContainer(fleet, repo + ":1");
        assertThat(fleet.status()).extracting(DeviceState::active).containsOnly("A");

        List<UpdateOutcome> second = fleet.rollout(repo + ":2", source, 20);
        assertThat(count(second, UpdateOutcome.Result.UPDATED)).as(second.toString()).isEqualTo(5);
        everyDeviceRunsAWorkingContainer(fleet, repo + ":2");
        assertThat(fleet.status()).extracting(DeviceState::active).containsOnly("B");

        List<UpdateOutcome> bad = fleet.rollout(repo + ":3", source, 0);
        assertThat(count(bad, UpdateOutcome.Result.ROLLED_BACK)).as(bad.toString()).isEqualTo(5);
        assertThat(bad).allSatisfy(o -> assertThat(o.detail()).contains("failed its health check")
                .contains("instruction budget of 1000000").contains("back on slot B"));
        everyDeviceRunsAWorkingContainer(fleet, repo + ":2");
        // the failed version stays recorded in the inactive slot, marked failed
        assertThat(fleet.status()).allSatisfy(s -> assertThat(s.a().health()).isEqualTo(SlotState.FAILED));

        List<UpdateOutcome> back = fleet.rollback();
        // slot A holds the failed app:3 now, so there is no healthy previous container: nobody moves
        assertThat(count(back, UpdateOutcome.Result.UNCHANGED)).isEqualTo(5);
        everyDeviceRunsAWorkingContainer(fleet, repo + ":2");

        fleet.rollout(repo + ":1", source, 0);
        everyDeviceRunsAWorkingContainer(fleet, repo + ":1");
        List<UpdateOutcome> rolledBack = fleet.rollback();
        assertThat(count(rolledBack, UpdateOutcome.Result.ROLLED_BACK)).as(rolledBack.toString()).isEqualTo(5);
        everyDeviceRunsAWorkingContainer(fleet, repo + ":2");
    }

    @Test
    void aFailingCanaryStopsTheRollout() {
        Fleet fleet = Fleet.open(fleetDir);
        RegistrySource source = new RegistrySource();
        fleet.rollout(repo + ":1", source, 0);
        List<UpdateOutcome> outcomes = fleet.rollout(repo + ":3", source, 20);
        assertThat(count(outcomes, UpdateOutcome.Result.ROLLED_BACK)).isEqualTo(1);
        assertThat(count(outcomes, UpdateOutcome.Result.UNCHANGED)).isEqualTo(4);
        assertThat(outcomes.subList(1, 5)).allSatisfy(o -> assertThat(o.detail()).contains("canary"));
        everyDeviceRunsAWorkingContainer(fleet, repo + ":1");
    }

    @Test
    void aCorruptOrTruncatedDownloadNeverReplacesTheWorkingContainer() {
        Fleet fleet = Fleet.open(fleetDir);
        RegistrySource registrySource = new RegistrySource();
        fleet.rollout(repo + ":1", registrySource, 0);

        ContainerSource corrupting = new ContainerSource() {
            @Override
            public Digest resolve(String reference) {
                return registrySource.resolve(reference);
            }

            @Override
            public byte[] manifest(String reference, Digest digest) {
                return registrySource.manifest(reference, digest);
            }

            @Override
            public byte[] blob(String reference, Digest digest) {
                byte[] bytes = registrySource.blob(reference, digest).clone();
                bytes[bytes.length / 2] ^= 0x40; // one flipped bit in transit
                return bytes;
            }
        };
        List<UpdateOutcome> corrupt = fleet.rollout(repo + ":2", corrupting, 0);
        assertThat(count(corrupt, UpdateOutcome.Result.REJECTED)).isEqualTo(5);
        assertThat(corrupt).allSatisfy(o -> assertThat(o.detail()).contains("is corrupt"));
        everyDeviceRunsAWorkingContainer(fleet, repo + ":1");

        ContainerSource truncating = new ContainerSource() {
            @Override
            public Digest resolve(String reference) {
                return registrySource.resolve(reference);
            }

            @Override
            public byte[] manifest(String reference, Digest digest) {
                return registrySource.manifest(reference, digest);
            }

            @Override
            public byte[] blob(String reference, Digest digest) {
                byte[] bytes = registrySource.blob(reference, digest);
                return Arrays.copyOf(bytes, bytes.length - 1); // the connection dropped before the last byte
            }
        };
        List<UpdateOutcome> truncated = fleet.rollout(repo + ":2", truncating, 0);
        assertThat(truncated).allSatisfy(o -> assertThat(o.detail()).contains("truncated"));
        everyDeviceRunsAWorkingContainer(fleet, repo + ":1");
        // the inactive slot holds nothing half-written
        assertThat(fleet.status()).allSatisfy(s -> assertThat(s.b()).isNull());
    }

    @Test
    void aContainerThatDoesNotFitTheBoardIsRefusedOnTheDevice() {
        DeviceProfile tiny = new DeviceProfile("speck", "a 64 KiB test board", 512 * 1024, 64 * 1024);
        Fleet small = Fleet.create(root.resolve("fleets/small"), "small", 2, tiny, Map.of(), WasmBlock.DEFAULT_INSTRUCTION_BUDGET, null);
        List<UpdateOutcome> outcomes = small.rollout(repo + ":1", new RegistrySource(), 0);
        assertThat(outcomes).allSatisfy(o -> {
            assertThat(o.result()).isEqualTo(UpdateOutcome.Result.REJECTED);
            assertThat(o.detail()).contains("does not fit device speck").contains("of RAM");
        });
        assertThat(small.status()).allSatisfy(s -> assertThat(s.active()).isNull());
    }

    @Test
    void theLocalStoreCanFeedABenchFleet() {
        Fleet fleet = Fleet.open(fleetDir);
        List<UpdateOutcome> outcomes = fleet.rollout("tiny/app:2", new StoreSource(store), 0);
        assertThat(count(outcomes, UpdateOutcome.Result.UPDATED)).isEqualTo(5);
        everyDeviceRunsAWorkingContainer(fleet, "tiny/app:2");
    }

    @Test
    void oneRolloutAtATimePerFleet() {
        Fleet fleet = Fleet.open(fleetDir);
        try (FleetLock held = FleetLock.acquire(fleetDir, "lab")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> fleet.rollout(repo + ":1", new RegistrySource(), 0))
                    .isInstanceOf(dev.berth.tiny.TinyException.class)
                    .hasMessage("another rollout or rollback of fleet 'lab' is running");
        }
        assertThat(fleet.status()).allSatisfy(s -> assertThat(s.active()).isNull());
        assertThat(count(fleet.rollout(repo + ":1", new RegistrySource(), 0), UpdateOutcome.Result.UPDATED)).isEqualTo(5);
    }

    @Test
    void aFleetWithATrustedKeyTakesOnlyContainersSignedWithIt() throws IOException {
        Path pub = root.resolve("fleet.pub.pem");
        Path key = root.resolve("fleet.pem");
        Signatures.generate(key, pub);
        Path otherKey = root.resolve("attacker.pem");
        Signatures.generate(otherKey, root.resolve("attacker.pub.pem"));
        Path sample = root.resolve("sample.raw");
        Fleet signed = Fleet.create(root.resolve("fleets/signed"), "signed", 3, DeviceCatalog.builtIn().get("nrf52840"),
                Map.of("RAW", sample), 1_000_000, pub);
        RegistrySource source = new RegistrySource();

        List<UpdateOutcome> unsigned = signed.rollout(repo + ":1", source, 0);
        assertThat(unsigned).allSatisfy(o -> {
            assertThat(o.result()).isEqualTo(UpdateOutcome.Result.REJECTED);
            assertThat(o.detail()).contains("it is not signed");
        });

        publishSignature("1", key);
        List<UpdateOutcome> good = signed.rollout(repo + ":1", source, 0);
        assertThat(count(good, UpdateOutcome.Result.UPDATED)).as(good.toString()).isEqualTo(3);
        everyDeviceRunsAWorkingContainer(signed, repo + ":1");

        publishSignature("2", otherKey);
        List<UpdateOutcome> forged = signed.rollout(repo + ":2", source, 0);
        assertThat(forged).allSatisfy(o -> assertThat(o.detail()).contains("does not verify with the fleet's trusted key"));
        everyDeviceRunsAWorkingContainer(signed, repo + ":1");
    }

    private void publishSignature(String version, Path key) {
        String local = Signatures.sign(store, "tiny/app:" + version, key);
        String tag = local.substring(local.lastIndexOf(':') + 1);
        try (RegistryClient client = RegistryClient.withDefaults()) {
            client.push(store, local, Reference.parse(repo + ":" + tag), TransferListener.none());
        }
    }
}
