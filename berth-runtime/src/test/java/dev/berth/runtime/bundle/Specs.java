package dev.berth.runtime.bundle;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builds BundleSpecs for tests: sensible defaults, changed one field at a time. */
final class Specs {
    private String id = "c1";
    private final Path rootfs;
    private boolean readOnly;
    private final List<String> args;
    private List<String> env = List.of();
    private String workingDir = "";
    private String user = "";
    private String hostname = "box";
    private List<BindMount> binds = List.of();
    private List<TmpfsMount> tmpfs = List.of();
    private Resources resources = Resources.NONE;
    private NetworkNamespace network = NetworkNamespace.newNamespace();
    private Path hosts;
    private Path hostnameFile;
    private Path resolvConf;
    private String cgroupsPath = "";
    private boolean noNewPrivileges;
    private Map<String, String> annotations = Map.of();

    private Specs(Path rootfs, List<String> args) {
        this.rootfs = rootfs;
        this.args = args;
    }

    static Specs of(Path rootfs, String... args) {
        return new Specs(rootfs, List.of(args));
    }

    Specs id(String value) {
        id = value;
        return this;
    }

    Specs readOnly() {
        readOnly = true;
        return this;
    }

    Specs env(String... value) {
        env = List.of(value);
        return this;
    }

    Specs workingDir(String value) {
        workingDir = value;
        return this;
    }

    Specs user(String value) {
        user = value;
        return this;
    }

    Specs hostname(String value) {
        hostname = value;
        return this;
    }

    Specs binds(BindMount... value) {
        binds = List.of(value);
        return this;
    }

    Specs tmpfs(String... value) {
        tmpfs = Arrays.stream(value).map(TmpfsMount::parse).toList();
        return this;
    }

    Specs resources(long memoryBytes, long nanoCpus, long pidsLimit) {
        resources = new Resources(memoryBytes, nanoCpus, pidsLimit);
        return this;
    }

    Specs network(NetworkNamespace value) {
        network = value;
        return this;
    }

    Specs etcFiles(Path hostsFile, Path hostnameFileValue, Path resolvConfFile) {
        hosts = hostsFile;
        hostnameFile = hostnameFileValue;
        resolvConf = resolvConfFile;
        return this;
    }

    Specs cgroupsPath(String value) {
        cgroupsPath = value;
        return this;
    }

    Specs noNewPrivileges() {
        noNewPrivileges = true;
        return this;
    }

    Specs annotations(Map<String, String> value) {
        annotations = value;
        return this;
    }

    BundleSpec build() {
        return new BundleSpec(id, rootfs, readOnly, args, env, workingDir, user, hostname, binds, tmpfs, resources,
                network, hosts, hostnameFile, resolvConf, cgroupsPath, noNewPrivileges, annotations);
    }
}
