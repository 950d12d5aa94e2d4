package dev.berth.runtime.bundle;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Drives the real runc binary for tests, with its state in a private --root directory. */
final class Runc {
    static final List<String> CGROUP_V1_CONTROLLERS =
            List.of("memory", "pids", "cpu", "cpuacct", "cpuset", "devices", "freezer", "blkio", "systemd", "unified");

    record Result(int exitCode, String stdout, String stderr) {
    }

    private final String binary;
    private final Path stateRoot;
    private final Path logs;

    private Runc(String binary, Path stateRoot, Path logs) {
        this.binary = binary;
        this.stateRoot = stateRoot;
        this.logs = logs;
    }

    /** Finds runc or fails the test with what to do about it: a missing runtime is not a reason to skip. */
    static Runc in(Path workDir) throws IOException {
        String binary = null;
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "runc"))) {
                binary = Path.of(dir, "runc").toString();
                break;
            }
        }
        if (binary == null) {
            fail("runc is not installed; these tests run real containers: install it with scripts/install-deps");
        }
        Path state = Files.createDirectories(workDir.resolve("runc-state"));
        Path logs = Files.createDirectories(workDir.resolve("runc-logs"));
        return new Runc(binary, state, logs);
    }

    /** {@code runc run} in the foreground: waits for the container to exit and returns its output. */
    Result run(Path bundle, String id) throws IOException, InterruptedException {
        return exec(List.of("run", "--bundle", bundle.toString(), id), 60);
    }

    /** {@code runc run -d}: the container keeps running; its stdout goes to the returned file. */
    Path runDetached(Path bundle, String id) throws IOException, InterruptedException {
        Path out = logs.resolve(id + ".detached.out");
        Result r = exec(List.of("run", "-d", "--bundle", bundle.toString(), id), 60, out);
        if (r.exitCode() != 0) {
            fail("runc run -d failed (" + r.exitCode() + "): " + r.stderr());
        }
        return out;
    }

    Result execProcess(String id, Path processJson) throws IOException, InterruptedException {
        return exec(List.of("exec", "--process", processJson.toString(), id), 60);
    }

    /** Force-deletes the container (killing it if it runs) and removes the cgroup directories runc left. */
    void delete(String id, String cgroupsPath) throws IOException, InterruptedException {
        exec(List.of("delete", "-f", id), 30);
        if (cgroupsPath != null && !cgroupsPath.isEmpty()) {
            for (String controller : CGROUP_V1_CONTROLLERS) {
                removeCgroup(Path.of("/sys/fs/cgroup", controller).resolve(cgroupsPath.substring(1)));
            }
        }
    }

    /** Removes an empty cgroup directory and then its parent if that is empty too (rmdir only: never recursive). */
    static void removeCgroup(Path dir) {
        for (Path d = dir; d != null && d.getNameCount() > 4; d = d.getParent()) {
            if (!d.toFile().delete() && Files.exists(d)) {
                return; // not empty (another test's cgroup) or not ours to remove
            }
        }
    }

    private Result exec(List<String> args, int timeoutSeconds) throws IOException, InterruptedException {
        return exec(args, timeoutSeconds, null);
    }

    private Result exec(List<String> args, int timeoutSeconds, Path stdoutFile)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary, "--root", stateRoot.toString()));
        command.addAll(args);
        Path out = stdoutFile != null ? stdoutFile : Files.createTempFile(logs, "out", ".txt");
        Path err = Files.createTempFile(logs, "err", ".txt");
        Process p = new ProcessBuilder(command)
                .redirectInput(new File("/dev/null"))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("runc " + String.join(" ", args) + " did not finish in " + timeoutSeconds + "s; stderr: "
                    + Files.readString(err));
        }
        String stdout = stdoutFile != null ? "" : Files.readString(out);
        return new Result(p.exitValue(), stdout, Files.readString(err));
    }
}
