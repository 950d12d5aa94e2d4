package dev.berth.runtime.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.ContainerException;
import org.junit.jupiter.api.Test;

class TmpfsMountTest {
    @Test
    void destinationAloneGetsDockersDefaults() {
        TmpfsMount t = TmpfsMount.parse("/run");
        assertThat(t.destination()).isEqualTo("/run");
        assertThat(t.options()).containsExactly("rw", "noexec", "nosuid", "nodev", "rprivate");
    }

    @Test
    void givenOptionsReplaceTheirOppositesAndDataOptionsFollow() {
        assertThat(TmpfsMount.parse("/run:exec,size=64m,mode=1777").options())
                .containsExactly("rw", "exec", "nosuid", "nodev", "rprivate", "size=64m", "mode=1777");
        assertThat(TmpfsMount.parse("/cache:ro,suid,dev,size=1g,size=2g,uid=1000").options())
                .containsExactly("ro", "noexec", "suid", "dev", "rprivate", "size=2g", "uid=1000");
        assertThat(TmpfsMount.parse("/x:rshared,noatime,nr_inodes=1k").options())
                .containsExactly("rw", "noexec", "nosuid", "nodev", "rshared", "noatime", "nr_inodes=1k");
    }

    @Test
    void destinationIsCleanedAndMustBeAbsolute() {
        assertThat(TmpfsMount.parse("//run//app/:size=1m").destination()).isEqualTo("/run/app");
        assertThatThrownBy(() -> TmpfsMount.parse("run"))
                .isInstanceOf(ContainerException.class).hasMessageContaining("run is not an absolute path");
        assertThatThrownBy(() -> TmpfsMount.parse("/"))
                .isInstanceOf(ContainerException.class).hasMessageContaining("cannot be / itself");
        assertThatThrownBy(() -> TmpfsMount.parse("/a/../etc"))
                .isInstanceOf(ContainerException.class).hasMessageContaining("\"..\"");
        assertThatThrownBy(() -> TmpfsMount.parse(":size=1m"))
                .isInstanceOf(ContainerException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> TmpfsMount.parse(""))
                .isInstanceOf(ContainerException.class).hasMessageContaining("DESTINATION[:OPTIONS]");
    }

    @Test
    void unknownOrMalformedOptionsAreNamed() {
        assertThatThrownBy(() -> TmpfsMount.parse("/run:bogus"))
                .isInstanceOf(ContainerException.class).hasMessage("--tmpfs /run:bogus: unknown option bogus");
        assertThatThrownBy(() -> TmpfsMount.parse("/run:size=lots"))
                .isInstanceOf(ContainerException.class).hasMessage("--tmpfs /run:size=lots: invalid value for size: lots");
        assertThatThrownBy(() -> TmpfsMount.parse("/run:mode=999"))
                .isInstanceOf(ContainerException.class).hasMessageContaining("invalid value for mode");
        assertThatThrownBy(() -> TmpfsMount.parse("/run:color=blue"))
                .isInstanceOf(ContainerException.class).hasMessageContaining("unknown option color");
        assertThatThrownBy(() -> TmpfsMount.parse("/run:rw,,size=1m"))
                .isInstanceOf(ContainerException.class).hasMessageContaining("empty option");
    }
}
