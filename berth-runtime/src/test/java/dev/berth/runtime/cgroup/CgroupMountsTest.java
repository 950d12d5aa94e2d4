package dev.berth.runtime.cgroup;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class CgroupMountsTest {
    @Test
    void hybridHostHasV1ControllersAndAnEmptyUnifiedTree() {
        CgroupMounts mounts = CgroupMounts.parse("""
                31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
                32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct
                35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
                39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
                40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
                41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate
                90 35 0:32 / /mnt/again rw,relatime - cgroup cgroup rw,memory
                """);
        assertThat(mounts.isV2()).isFalse();
        assertThat(mounts.v1Controllers()).containsEntry("cpu", Path.of("/sys/fs/cgroup/cpu,cpuacct"))
                .containsEntry("cpuacct", Path.of("/sys/fs/cgroup/cpu,cpuacct"))
                .containsEntry("memory", Path.of("/sys/fs/cgroup/memory"))
                .containsEntry("pids", Path.of("/sys/fs/cgroup/pids"))
                .doesNotContainKeys("rw", "xattr", "name=systemd");
        assertThat(mounts.v1Hierarchies()).containsExactly(Path.of("/sys/fs/cgroup/cpu,cpuacct"),
                Path.of("/sys/fs/cgroup/memory"), Path.of("/sys/fs/cgroup/pids"), Path.of("/sys/fs/cgroup/systemd"));
        assertThat(mounts.unified()).contains(Path.of("/sys/fs/cgroup/unified"));
        assertThat(Cgroups.from(mounts, 1)).isInstanceOf(CgroupV1.class);
    }

    @Test
    void pureV2Host() {
        CgroupMounts mounts = CgroupMounts.parse(
                "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
                        + "rw,nsdelegate,memory_recursiveprot\n");
        assertThat(mounts.isV2()).isTrue();
        assertThat(mounts.unified()).isEqualTo(Optional.of(Path.of("/sys/fs/cgroup")));
        assertThat(Cgroups.from(mounts, 1)).isInstanceOf(CgroupV2.class);
    }

    @Test
    void escapedMountPoints() {
        CgroupMounts mounts = CgroupMounts.parse(
                "35 31 0:32 / /mnt/my\\040cgroups rw,relatime - cgroup cgroup rw,memory\n");
        assertThat(mounts.v1Controllers()).containsEntry("memory", Path.of("/mnt/my cgroups"));
    }

    @Test
    void detectionAgreesWithTheFileSystemTypeOfSysFsCgroup() throws Exception {
        // v2 mounts cgroup2 right there; v1 and hybrid hosts put a tmpfs there holding one mount per hierarchy
        String type = Files.getFileStore(Path.of("/sys/fs/cgroup")).type();
        assertThat(Cgroups.detect().version()).isEqualTo(type.equals("cgroup2") ? 2 : 1);
    }
}
