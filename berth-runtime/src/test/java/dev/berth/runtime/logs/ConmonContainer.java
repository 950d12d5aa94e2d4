package dev.berth.runtime.logs;

import dev.berth.runtime.cgroup.Cgroups;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real busybox container run by conmon and runc, for tests: its bundle, runc state, exit and persist directories
 * and log live under one test directory. close() deletes it from runc, ends conmon by its pid if it is still there,
 * and removes its cgroup.
 */
final class ConmonContainer implements AutoCloseable {
    static final String CONMON = "/usr/bin/conmon";
    static final String RUNC = "/usr/sbin/runc";
    private static final List<String> APPLETS = List.of("sh", "echo", "printf", "sleep", "seq", "cat", "true");

    final String id = "berth-logtest-" + UUID.randomUUID().toString().substring(0, 8);
    final String cgroupsPath = "/" + id;
    final Path base;
    final Path bundle;
    final Path log;
    final Path exitDir;
    final Path persistDir;
    private final Path runcRoot;
    private final Path socketDir;
    private final Path conmonPidFile;

    ConmonContainer(Path base, long memoryLimitBytes, String script) throws Exception {
        this.base = base;
        this.bundle = base.resolve("bundle");
        this.log = base.resolve("logs/ctr.log");
        this.exitDir = base.resolve("exit");
        this.persistDir = base.resolve("persist");
        this.runcRoot = base.resolve("runc");
        this.socketDir = base.resolve("sock");
        this.conmonPidFile = base.resolve("conmon.pid");
        for (Path dir : List.of(bundle.resolve("rootfs/bin"), log.getParent(), exitDir, persistDir, runcRoot,
                socketDir)) {
            Files.createDirectories(dir);
        }
        Files.copy(Path.of("/bin/busybox"), bundle.resolve("rootfs/bin/busybox"));
        for (String applet : APPLETS) {
            Files.createSymbolicLink(bundle.resolve("rootfs/bin").resolve(applet), Path.of("busybox"));
        }
        run(bundle, RUNC, "spec");
        ObjectMapper json = new ObjectMapper();
        Path configFile = bundle.resolve("config.json");
        ObjectNode config = (ObjectNode) json.readTree(Files.readString(configFile));
        ((ObjectNode) config.get("root")).put("path", "rootfs").put("readonly", false);
        ObjectNode process = (ObjectNode) config.get("process");
        process.put("terminal", false);
        process.remove("rlimits"); // raising limits is refused in this sandbox
        ArrayNode args = process.putArray("args");
        args.add("sh").add("-c").add(script);
        ObjectNode linux = (ObjectNode) config.get("linux");
        linux.put("cgroupsPath", cgroupsPath);
        if (memoryLimitBytes > 0) {
            JsonNode resources = linux.get("resources");
            ObjectNode res = resources instanceof ObjectNode o ? o : linux.putObject("resources");
            res.putObject("memory").put("limit", memoryLimitBytes);
        }
        Files.writeString(configFile, json.writeValueAsString(config));
    }

    /** conmon creates the container (runc create) and forks into the background; then runc start. */
    void start(long logSizeMax) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CONMON, "--api-version", "1", "-c", id, "-u", id,
                "-r", RUNC, "-b", bundle.toString(), "-p", bundle.resolve("pidfile").toString(),
                "-l", "k8s-file:" + log, "--exit-dir", exitDir.toString(), "--persist-dir", persistDir.toString(),
                "--socket-dir-path", socketDir.toString(),
                "--runtime-arg", "--root", "--runtime-arg", runcRoot.toString(),
                "-n", id, "--conmon-pidfile", conmonPidFile.toString()));
        if (logSizeMax > 0) {
            cmd.addAll(List.of("--log-size-max", Long.toString(logSizeMax)));
        }
        run(base, cmd.toArray(String[]::new));
        // conmon's first process returns before runc create has finished: the container pidfile says it has
        awaitFile(bundle.resolve("pidfile"), Duration.ofSeconds(20));
        run(base, RUNC, "--root", runcRoot.toString(), "start", id);
    }

    /** The exit file's content once conmon has written it. */
    String awaitExit(Duration timeout) throws Exception {
        Path exitFile = exitDir.resolve(id);
        awaitFile(exitFile, timeout);
        return Files.readString(exitFile);
    }

    private static void awaitFile(Path file, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file) || Files.size(file) == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(file + " did not appear within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    static String run(Path dir, String... command) throws IOException, InterruptedException {
        // output to a file, not a pipe: conmon's background child may keep the pipe open until the container ends
        Path out = Files.createTempFile(dir, "cmd", ".out");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        if (!ended || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    @Override
    public void close() throws Exception {
        new ProcessBuilder(RUNC, "--root", runcRoot.toString(), "delete", "-f", id)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                .waitFor(30, TimeUnit.SECONDS);
        if (Files.exists(conmonPidFile)) {
            long pid = Long.parseLong(Files.readString(conmonPidFile).strip());
            ProcessHandle.of(pid).filter(p -> p.info().command().orElse("").endsWith("conmon"))
                    .ifPresent(conmon -> {
                        conmon.destroyForcibly();
                        conmon.onExit().orTimeout(10, TimeUnit.SECONDS).join();
                    });
        }
        Cgroups cgroups = Cgroups.detect();
        for (int i = 0; i < 50 && !cgroups.removeIfEmpty(cgroupsPath); i++) {
            Thread.sleep(100);
        }
    }
}
