package dev.berth.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.kube.cluster.RolloutStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import org.junit.jupiter.api.Test;

class RolloutStatusTest {
    private static Deployment d(long generation, int desired, Long observed, int replicas, int updated, int available) {
        return new DeploymentBuilder().withNewMetadata().withName("m").withGeneration(generation).endMetadata()
                .withNewSpec().withReplicas(desired).endSpec()
                .withStatus(new DeploymentStatusBuilder().withObservedGeneration(observed).withReplicas(replicas)
                        .withUpdatedReplicas(updated).withAvailableReplicas(available).build())
                .build();
    }

    @Test
    void doneOnlyWhenTheLatestSpecRunsOnEveryReplicaAndNothingOldIsLeft() {
        assertThat(RolloutStatus.of(d(2, 3, 1L, 3, 3, 3), 2).done()).as("old generation observed").isFalse();
        assertThat(RolloutStatus.of(d(2, 3, 2L, 4, 1, 3), 2).message()).isEqualTo("1 of 3 replicas run the new version");
        assertThat(RolloutStatus.of(d(2, 3, 2L, 4, 3, 3), 2).message()).isEqualTo("1 old replica still terminating");
        assertThat(RolloutStatus.of(d(2, 3, 2L, 3, 3, 2), 2).message()).isEqualTo("2 of 3 updated replicas are available");
        RolloutStatus done = RolloutStatus.of(d(2, 3, 2L, 3, 3, 3), 2);
        assertThat(done.done()).isTrue();
        assertThat(done.failed()).isFalse();
        // a generation the apply produced that a later change superseded still counts as observed
        assertThat(RolloutStatus.of(d(3, 3, 3L, 3, 3, 3), 2).done()).isTrue();
        assertThat(RolloutStatus.of(d(2, 0, 2L, 0, 0, 0), 2).done()).as("scaled to zero").isTrue();
    }
}
