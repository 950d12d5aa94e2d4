package dev.berth.build.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.build.BuildException;
import dev.berth.build.lock.LockRequest;
import dev.berth.build.lock.Locker;
import dev.berth.build.lock.StoreThenRegistry;
import dev.berth.build.lock.UrlDigester;
import dev.berth.build.testing.TestImages;
import dev.berth.oci.image.Platform;
import dev.berth.oci.reference.Reference;
import dev.berth.registry.client.ClientOptions;
import dev.berth.registry.client.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code build --locked}: builds from the pinned digests, and refuses with a list when an input drifted. */
class LockedBuildTest {
    private final BuildFixture fx = new BuildFixture();

    @AfterEach
    void cleanUp() {
        fx.close();
    }

    private BuildRequest request(Path dockerfile) throws Exception {
        return new BuildRequest(fx.context, "Dockerfile", Files.readString(dockerfile), dockerfile, List.of("locked:1"),
                Map.of(), null, false, false, Map.of(), true, null, Map.of(), null, Map.of(), Map.of());
    }

    private void lock(Path dockerfile) {
        try (RegistryClient client = new RegistryClient(ClientOptions.defaults()); UrlDigester urls = UrlDigester.withDefaults()) {
            new Locker(new StoreThenRegistry(fx.store, client), urls)
                    .lockAndWrite(new LockRequest(dockerfile, Map.of(), List.of(Platform.host())));
        }
    }

    @Test
    void aLockedBuildUsesThePinnedBaseAndRefusesDrift() throws Exception {
        Path dockerfile = fx.context.resolve("Dockerfile");
        Files.writeString(dockerfile, "FROM busybox:test\nRUN echo locked > /locked\n");
        lock(dockerfile);
        String pinnedBase = fx.image(BuildFixture.BASE).manifestDescriptor().digest().toString();

        BuildRequest locked = LockedInputs.apply(request(dockerfile), fx.store);
        assertThat(locked.baseImagePins()).containsEntry("docker.io/library/busybox:test", pinnedBase);
        fx.build(locked);
        assertThat(fx.run("locked:1", "cat", "/locked").stdout()).isEqualTo("locked\n");

        // the tag moves to another image: the lock no longer holds
        fx.store.tag(Reference.parse("busybox:test"), TestImages.tiny(fx.store, Platform.host(), "moved"));
        assertThatThrownBy(() -> LockedInputs.apply(request(dockerfile), fx.store))
                .isInstanceOf(BuildException.class).hasMessageContaining("drifted").hasMessageContaining("busybox");

        // and an edited Dockerfile is drift too
        Files.writeString(dockerfile, "FROM busybox:test\nRUN echo edited > /locked\n");
        assertThatThrownBy(() -> LockedInputs.apply(request(dockerfile), fx.store))
                .isInstanceOf(BuildException.class).hasMessageContaining("Dockerfile changed since berth.lock was made");
    }

    @Test
    void withoutALockFileTheLockedBuildSaysHowToMakeOne() throws Exception {
        Path dockerfile = fx.context.resolve("Dockerfile");
        Files.writeString(dockerfile, "FROM busybox:test\n");
        assertThatThrownBy(() -> LockedInputs.apply(request(dockerfile), fx.store))
                .isInstanceOf(BuildException.class).hasMessageContaining("berth lock");
    }
}
