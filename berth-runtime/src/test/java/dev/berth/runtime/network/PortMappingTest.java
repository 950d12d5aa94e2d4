package dev.berth.runtime.network;

import dev.berth.runtime.ContainerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PortMappingTest {

    @Test
    void readsEveryDockerForm() {
        assertThat(PortMapping.parse("80")).isEqualTo(new PortMapping("", 0, 80, "tcp"));
        assertThat(PortMapping.parse("8081:80")).isEqualTo(new PortMapping("", 8081, 80, "tcp"));
        assertThat(PortMapping.parse("127.0.0.1:8081:80")).isEqualTo(new PortMapping("127.0.0.1", 8081, 80, "tcp"));
        assertThat(PortMapping.parse("127.0.0.1::80")).isEqualTo(new PortMapping("127.0.0.1", 0, 80, "tcp"));
        assertThat(PortMapping.parse("8081:80/udp")).isEqualTo(new PortMapping("", 8081, 80, "udp"));
        assertThat(PortMapping.parse("53/UDP")).isEqualTo(new PortMapping("", 0, 53, "udp"));
        assertThat(PortMapping.parse("0.0.0.0:9000:90/tcp")).isEqualTo(new PortMapping("", 9000, 90, "tcp"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                    | empty port mapping",
            "abc                   | container port 'abc' is not a number",
            "8081:                 | container port is missing",
            "8081:0                | container port 0 is not between 1 and 65535",
            "70000:80              | host port 70000 is not between 1 and 65535",
            "8000-8010:80-90       | port ranges are not supported",
            "localhost:8081:80     | host address 'localhost' is not an IPv4 address",
            "300.1.1.1:8081:80     | host address '300.1.1.1' is not an IPv4 address",
            ":8081:80              | host address '' is not an IPv4 address",
            "[::1]:8081:80         | IPv6 host addresses are not supported",
            "::1:8081:80           | IPv6 host addresses are not supported",
            "8081:80/sctp          | protocol 'sctp' is not supported",
    })
    void namesWhatIsWrong(String flag, String reason) {
        assertThatThrownBy(() -> PortMapping.parse(flag))
                .isInstanceOf(ContainerException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void invalidFlagMessageQuotesTheFlagAndTheExpectedForm() {
        assertThatThrownBy(() -> PortMapping.parse("80:abc"))
                .hasMessage("invalid port mapping '80:abc': container port 'abc' is not a number "
                        + "(expected [hostIp:][hostPort:]containerPort[/tcp|/udp], e.g. 127.0.0.1:8081:80)");
    }

    @Test
    void clashesOnlyOnTheSameProtocolPortAndOverlappingAddress() {
        PortMapping loopback = new PortMapping("127.0.0.1", 8081, 80, "tcp");
        assertThat(loopback.clashesWith(new PortMapping("", 8081, 81, "tcp"))).isTrue();
        assertThat(loopback.clashesWith(new PortMapping("127.0.0.1", 8081, 82, "tcp"))).isTrue();
        assertThat(loopback.clashesWith(new PortMapping("127.0.0.2", 8081, 80, "tcp"))).isFalse();
        assertThat(loopback.clashesWith(new PortMapping("127.0.0.1", 8081, 80, "udp"))).isFalse();
        assertThat(loopback.clashesWith(new PortMapping("127.0.0.1", 8082, 80, "tcp"))).isFalse();
    }
}
