package dev.berth.tiny.arena;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class GreedyMemoryPlannerTest {

    @Test
    void aChainReusesTheBytesOfBuffersThatAreNoLongerNeeded() {
        // a -> op0 -> b -> op1 -> c -> op2 -> d: at most two buffers are alive at once
        List<BufferRequest> chain = List.of(
                new BufferRequest(0, 100, 0, 0),
                new BufferRequest(1, 200, 0, 1),
                new BufferRequest(2, 50, 1, 2),
                new BufferRequest(3, 10, 2, 2));
        ArenaPlan plan = GreedyMemoryPlanner.plan(chain);
        // sizes aligned to 16: 112, 208, 64, 16. Largest first: b at 0, a after b (alive together) at 208,
        // c overlaps b in time -> 208 (a is dead by then), d overlaps c only -> 0.
        assertThat(plan.offsetOf(1)).isEqualTo(0);
        assertThat(plan.offsetOf(0)).isEqualTo(208);
        assertThat(plan.offsetOf(2)).isEqualTo(208);
        assertThat(plan.offsetOf(3)).isEqualTo(0);
        assertThat(plan.arenaBytes()).isEqualTo(320);
        assertThat(plan.naiveBytes()).isEqualTo(400);
    }

    @Test
    void buffersAliveAtTheSameTimeNeverShareBytes() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<BufferRequest> requests = new ArrayList<>();
            int ops = 1 + random.nextInt(20);
            for (int i = 0; i < 1 + random.nextInt(30); i++) {
                int first = random.nextInt(ops);
                requests.add(new BufferRequest(i, random.nextInt(5000), first, first + random.nextInt(ops - first)));
            }
            ArenaPlan plan = GreedyMemoryPlanner.plan(requests);
            long peakAlive = 0;
            for (int t = 0; t < ops; t++) {
                long alive = 0;
                for (BufferRequest r : requests) {
                    if (r.firstUse() <= t && t <= r.lastUse()) {
                        alive += GreedyMemoryPlanner.alignUp(r.size(), 16);
                    }
                }
                peakAlive = Math.max(peakAlive, alive);
            }
            for (int i = 0; i < requests.size(); i++) {
                BufferRequest a = requests.get(i);
                assertThat(plan.offsets()[i] % 16).isZero();
                assertThat(plan.offsets()[i] + a.size()).isLessThanOrEqualTo(plan.arenaBytes());
                for (int j = i + 1; j < requests.size(); j++) {
                    BufferRequest b = requests.get(j);
                    boolean sameTime = a.firstUse() <= b.lastUse() && b.firstUse() <= a.lastUse();
                    boolean sameBytes = plan.offsets()[i] < plan.offsets()[j] + b.size()
                            && plan.offsets()[j] < plan.offsets()[i] + a.size();
                    assertThat(sameTime && sameBytes && a.size() > 0 && b.size() > 0)
                            .as("round %d: buffers %s and %s overlap", round, a, b).isFalse();
                }
            }
            assertThat((long) plan.arenaBytes()).isBetween(peakAlive, (long) plan.naiveBytes());
        }
    }
}
