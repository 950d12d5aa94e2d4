package dev.berth.runtime.network;

import dev.berth.runtime.ContainerException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetworkConfigTest {

    @Test
    void defaultBridgeIsBerth0WithStateUnderTheRootAndASubnetChosenOnOpen() {
        NetworkConfig config = NetworkConfig.defaultBridge(Path.of("/var/lib/berth"));
        assertThat(config.name()).isEqualTo("bridge");
        assertThat(config.bridgeDevice()).isEqualTo("berth0");
        assertThat(config.subnetCidr()).isNull();
        assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/berth/networks/bridge"));
    }

    @Test
    void rejectsNamesTheKernelOrBerthCannotUse() {
        Path dir = Path.of("/tmp/x");
        assertThatThrownBy(() -> new NetworkConfig("bridge", "berth0-is-far-too-long", null, dir))
                .isInstanceOf(ContainerException.class).hasMessageContaining("at most 15");
        assertThatThrownBy(() -> new NetworkConfig("bridge", "br/0", null, dir)).hasMessageContaining("not valid");
        assertThatThrownBy(() -> new NetworkConfig("bridge", "bv0", null, dir)).hasMessageContaining("must not start with 'bv'");
        assertThatThrownBy(() -> new NetworkConfig("my net", "berth1", null, dir)).hasMessageContaining("network name 'my net'");
        assertThatThrownBy(() -> new NetworkConfig("bridge", "berth1", "10.0.0.0/31", dir)).hasMessageContaining("from 8 to 29");
        assertThatThrownBy(() -> new NetworkConfig("bridge", "berth1", "10.0.0.1/24", dir)).hasMessageContaining("did you mean");
    }
}
