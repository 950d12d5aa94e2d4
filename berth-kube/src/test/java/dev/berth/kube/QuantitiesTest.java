package dev.berth.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.kube.manifest.Quantities;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

class QuantitiesTest {
    @Test
    void memoryTakesBerthsAndKubernetesSuffixes() {
        assertThat(Quantities.parseMemory("512m", "--memory")).isEqualTo(512L << 20);
        assertThat(Quantities.parseMemory("512Mi", "--memory")).isEqualTo(512L << 20);
        assertThat(Quantities.parseMemory("1.5g", "--memory")).isEqualTo(3L << 29);
        assertThat(Quantities.parseMemory("2GB", "--memory")).isEqualTo(2L << 30);
        assertThat(Quantities.parseMemory("1024", "--memory")).isEqualTo(1024);
        assertThat(Quantities.parseMemory("64k", "--memory")).isEqualTo(64 * 1024);
        assertThatThrownBy(() -> Quantities.parseMemory("lots", "--memory")).isInstanceOf(KubeException.class)
                .hasMessageStartingWith("--memory 'lots' is not a memory size");
        assertThatThrownBy(() -> Quantities.parseMemory("0", "--memory")).hasMessageContaining("at least one byte");
        assertThatThrownBy(() -> Quantities.parseMemory("99999999999t", "--memory")).hasMessageContaining("too large");
    }

    @Test
    void memoryIsWrittenWithTheLargestExactBinarySuffixAndMeansTheSameToKubernetes() {
        for (long bytes : new long[] {1, 1000, 1024, 3L << 29, 512L << 20, 5L << 40, (1L << 30) + 1}) {
            String written = Quantities.memory(bytes);
            assertThat(Quantity.getAmountInBytes(new Quantity(written)).longValueExact()).as(written).isEqualTo(bytes);
        }
        assertThat(Quantities.memory(512L << 20)).isEqualTo("512Mi");
        assertThat(Quantities.memory(3L << 29)).isEqualTo("1536Mi");
        assertThat(Quantities.memory(1000)).isEqualTo("1000");
    }

    @Test
    void cpusAreCountsOrMillicores() {
        assertThat(Quantities.parseCpus("1.5", "--cpus")).isEqualTo(1500);
        assertThat(Quantities.parseCpus("500m", "--cpus")).isEqualTo(500);
        assertThat(Quantities.parseCpus("2", "--cpus")).isEqualTo(2000);
        assertThat(Quantities.parseCpus("0.001", "--cpus")).isEqualTo(1);
        assertThat(Quantities.cpu(1500)).isEqualTo("1500m");
        assertThat(Quantities.cpu(2000)).isEqualTo("2");
        assertThat(new Quantity(Quantities.cpu(250)).getNumericalAmount()).isEqualByComparingTo("0.25");
        assertThatThrownBy(() -> Quantities.parseCpus("0.0005", "--cpus")).hasMessageContaining("finer than Kubernetes allows");
        assertThatThrownBy(() -> Quantities.parseCpus("0", "--cpus")).hasMessageContaining("more than 0");
        assertThatThrownBy(() -> Quantities.parseCpus("two", "--cpus")).hasMessageStartingWith("--cpus 'two' is not a CPU count");
    }
}
