package dev.berth.runtime.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real containers with runc from bundles the writer made, and checks inside what the spec promised. */
class RuncBundleTest {
    @TempDir
    Path work;

    private Runc runc;
    private Path rootfs;
    private final List<String[]> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        runc = Runc.in(work);
        rootfs = BusyboxRootfs.create(work.resolve("rootfs"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String[] c : started) {
            runc.delete(c[0], c[1]);
        }
    }

    /** A fresh id and cgroup per container, registered for cleanup before anything can fail. */
    private Specs container(String... args) {
        String id = "berth-spec-" + UUID.randomUUID().toString().substring(0, 8);
        String cgroup = "/berth-test/" + id;
        started.add(new String[] {id, cgroup});
        return Specs.of(rootfs, args).id(id).cgroupsPath(cgroup);
    }

    private Runc.Result run(Specs specs) throws Exception {
        BundleSpec spec = specs.build();
        Path bundle = work.resolve("bundle-" + spec.containerId());
        RuntimeSpecWriter.write(spec, bundle);
        return runc.run(bundle, spec.containerId());
    }

    @Test
    void smoke() throws Exception {
        Runc.Result r = run(container("sh", "-c", "id; hostname; pwd; env"));
        assertThat(r.stderr()).isEmpty();
        assertThat(r.exitCode()).isZero();
        System.out.println(r.stdout());
    }
}
