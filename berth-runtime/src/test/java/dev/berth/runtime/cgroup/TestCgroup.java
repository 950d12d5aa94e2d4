package dev.berth.runtime.cgroup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real v1 cgroup made for one test, in the memory, cpuacct and pids hierarchies of this host, with busybox shells
 * moved into it. close() kills what it started (by pid) and removes the directories.
 */
final class TestCgroup implements AutoCloseable {
    static final Path ROOT = Path.of("/sys/fs/cgroup");
    static final List<String> CONTROLLERS = List.of("memory", "cpuacct", "pids");

    final String path = "/berth-cgtest-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Process> started = new ArrayList<>();

    TestCgroup() throws IOException {
        for (String controller : CONTROLLERS) {
            Files.createDirectory(dir(controller));
        }
    }

    Path dir(String controller) {
        return ROOT.resolve(controller).resolve(path.substring(1));
    }

    void set(String controller, String file, String value) throws IOException {
        Files.writeString(dir(controller).resolve(file), value);
    }

    /**
     * Starts {@code busybox sh -c script} (mind that the shell execs its last simple command in place of itself) held at a "read" until it is inside the cgroup, so everything it
     * allocates or forks is accounted here.
     */
    Process run(String script) throws IOException {
        Process process = new ProcessBuilder("/bin/busybox", "sh", "-c", "read go; " + script)
                .redirectErrorStream(true)
                .start();
        started.add(process);
        for (String controller : CONTROLLERS) {
            set(controller, "cgroup.procs", Long.toString(process.pid()));
        }
        OutputStream stdin = process.getOutputStream();
        stdin.write("go\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
        return process;
    }

    @Override
    public void close() throws Exception {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        // processes forked inside that escaped the parent relation (reparented to init) are still in cgroup.procs
        Path procs = dir("pids").resolve("cgroup.procs");
        if (Files.exists(procs)) {
            for (String pid : Files.readAllLines(procs)) {
                ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        for (String controller : CONTROLLERS) {
            Path dir = dir(controller);
            for (int attempt = 0; Files.exists(dir); attempt++) {
                try {
                    Files.delete(dir);
                } catch (IOException busy) {
                    if (attempt > 50) {
                        throw busy;
                    }
                    Thread.sleep(100);
                }
            }
        }
    }
}
