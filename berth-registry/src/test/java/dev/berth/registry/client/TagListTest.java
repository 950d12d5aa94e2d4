package dev.berth.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.image.Descriptor;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.ImageStore;
import dev.berth.registry.RegistryException;
import dev.berth.registry.server.RegistryServer;
import dev.berth.registry.testing.DistributionRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tags list with pagination, and pulling every tag of a repository, against Berth's registry and Debian's
 * distribution 2.8, both on 127.0.0.1.
 */
class TagListTest {
    private static final List<String> TAGS = List.of("1.0", "1.1", "2.0", "latest", "v3-rc.1");

    @TempDir
    Path work;

    @Test
    void berthRegistryPagesThroughEveryTag() throws Exception {
        try (RegistryServer server = RegistryServer.start(
                new RegistryServer.Config(work.resolve("registry"), "127.0.0.1", 0, false))) {
            everyTagIsListedAndPulled(server.baseUri().getAuthority());
        }
    }

    @Test
    void distributionPagesThroughEveryTag() throws Exception {
        try (DistributionRegistry registry = DistributionRegistry.start(work.resolve("distribution"))) {
            everyTagIsListedAndPulled(registry.domain());
        }
    }

    private void everyTagIsListedAndPulled(String domain) throws Exception {
        ImageStore source = ImageStore.open(work.resolve("source"));
        List<Descriptor> manifests = new ArrayList<>();
        try (RegistryClient client = PullPushTest.client()) {
            for (int i = 0; i < TAGS.size(); i++) {
                String name = domain + "/team/tagged:" + TAGS.get(i);
                manifests.add(TestImages.image(source, name, List.of(TestImages.random(10_000, i))));
                client.push(source, name, null);
            }
            Reference repository = Reference.parse(domain + "/team/tagged").repositoryOnly();
            for (int pageSize : new int[] {1, 2, 3, 5, 1000}) {
                assertThat(client.tags(repository, pageSize)).as("page size %d", pageSize)
                        .containsExactlyInAnyOrderElementsOf(TAGS);
            }
            assertThat(client.tags(repository)).containsExactlyInAnyOrderElementsOf(TAGS);

            ImageStore target = ImageStore.open(work.resolve("target-" + domain.replace(':', '-')));
            for (String tag : client.tags(repository, 2)) {
                client.pull(target, repository.withTag(tag), null);
            }
            for (int i = 0; i < TAGS.size(); i++) {
                assertThat(target.resolve(domain + "/team/tagged:" + TAGS.get(i)).root().digest())
                        .isEqualTo(manifests.get(i).digest());
            }

            assertThatThrownBy(() -> client.tags(Reference.parse(domain + "/team/absent"), 10))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("team/absent");
        }
    }
}
