package dev.berth.runtime.monitor;

import dev.berth.oci.json.Json;
import dev.berth.runtime.ContainerException;
import dev.berth.runtime.sys.Fifo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * Starts conmon, the container monitor of Podman and CRI-O, for one container. conmon detaches from the engine, runs
 * {@code runc create}, reports the container's PID, then stays as the container's parent: it copies the container's
 * output into the log file and, when the container ends, writes its exit status. So a container keeps running, and
 * its end is recorded, while the engine is stopped, crashed or being upgraded.
 *
 * <p>conmon reports on a "sync pipe" given as an inherited file descriptor ({@code _OCI_SYNCPIPE}). The JDK cannot
 * pass a child extra descriptors, so a named pipe is opened as descriptor 3 by {@code sh}, which then execs conmon.
 */
public final class Conmon {
    private static final Duration CREATE_TIMEOUT = new Duration(60, TimeUnit.SECONDS);

    private final Path binary;
    private final Runc runc;

    public Conmon(Path binary, Runc runc) {
        this.binary = binary;
        this.runc = runc;
    }

    public static Conmon find(Runc runc) {
        return new Conmon(Tools.require("conmon", "conmon"), runc);
    }

    /** The container's PID (in the host's PID namespace) once {@code runc create} is done, and conmon's. */
    public record Created(int containerPid, int monitorPid) {
    }

    /**
     * Creates the container (not started: its process waits for {@code runc start}). On failure nothing of the
     * container remains in runc; files under {@code files} are the caller's to remove.
     *
     * @param logSizeMax bytes after which conmon starts a fresh log file (0 for no limit)
     */
    public Created create(String id, String name, MonitorFiles files, long logSizeMax) {
        Path fifo = files.bundle().resolve("sync.pipe");
        try {
            Files.deleteIfExists(fifo);
        } catch (IOException e) {
            throw new ContainerException("cannot prepare " + fifo + ": " + e.getMessage(), e);
        }
        Fifo.create(fifo, 0600);
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "exec 3<>\"$0\" && exec \"$@\"", fifo.toString(),
                binary.toString(), "--api-version", "1", "-c", id, "-u", id.length() > 12 ? id.substring(0, 12) : id, "-n", name,
                "-r", runc.binary().toString(), "--runtime-arg", "--root", "--runtime-arg", runc.stateRoot().toString(),
                "-b", files.bundle().toString(), "-p", files.containerPidFile().toString(),
                "-l", "k8s-file:" + files.logFile(), "--exit-dir", files.exitDir().toString(),
                "--persist-dir", files.persistDir().toString(), "--socket-dir-path", files.socketDir().toString(),
                "--conmon-pidfile", files.monitorPidFile().toString(), "--log-level", "error", "--syslog"));
        if (logSizeMax > 0) {
            command.add("--log-size-max");
            command.add(Long.toString(logSizeMax));
        }
        // Opened read-write, the named pipe never blocks the open and never reports end-of-file: conmon's message is
        // read line by line instead.
        try (FileChannel sync = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // conmon's output goes to a file, not a pipe: its daemonized child keeps inherited descriptors open until
            // runc create is done, so reading a pipe to its end would wait for the whole create
            Path launchLog = files.bundle().resolve("conmon.out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(launchLog.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Map<String, String> env = builder.environment();
            env.put("_OCI_SYNCPIPE", "3");
            Process launcher = builder.start();
            CompletableFuture<String> message = new CompletableFuture<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    message.complete(readLine(sync));
                } catch (IOException e) {
                    message.completeExceptionally(e);
                }
            });
            int launcherExit = launcher.waitFor();
            if (launcherExit != 0) {
                reader.interrupt();
                String launchOutput = Files.exists(launchLog) ? Files.readString(launchLog).strip() : "";
                throw new ContainerException("conmon failed to start: " + (launchOutput.isEmpty() ? "exit status " + launcherExit : launchOutput));
            }
            String line;
            try {
                line = message.get(CREATE_TIMEOUT.amount(), CREATE_TIMEOUT.unit());
            } catch (TimeoutException e) {
                reader.interrupt();
                runcDeleteQuietly(id);
                throw new ContainerException("conmon did not report the container within " + CREATE_TIMEOUT.amount() + " seconds");
            } catch (ExecutionException e) {
                throw new ContainerException("cannot read conmon's report: " + e.getCause().getMessage(), e.getCause());
            }
            JsonNode report = Json.mapper().readTree(line);
            int pid = report.path("data").asInt(-1);
            if (pid <= 0) {
                runcDeleteQuietly(id);
                throw new ContainerException(createFailure(report.path("message").asString("")));
            }
            return new Created(pid, readPid(files.monitorPidFile()));
        } catch (IOException e) {
            throw new ContainerException("cannot start conmon: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerException("interrupted while creating container " + id, e);
        } finally {
            try {
                Files.deleteIfExists(fifo);
            } catch (IOException ignored) {
                // a stale pipe in the bundle is harmless
            }
        }
    }

    /** runc's error for a failed create, without conmon's wrapping; the engine maps "not found" and the like to exit codes. */
    static String createFailure(String message) {
        String m = Runc.runcMessage(message);
        return m.isBlank() ? "the OCI runtime could not create the container" : m;
    }

    private void runcDeleteQuietly(String id) {
        try {
            if (runc.state(id) != null) {
                runc.delete(id, true);
            }
        } catch (ContainerException ignored) {
            // it was not created, or is already gone
        }
    }

    private static String readLine(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (true) {
            if (channel.read(buffer) < 0) {
                throw new IOException("conmon closed the sync pipe without a report");
            }
            for (int i = 0; i < buffer.position(); i++) {
                if (buffer.get(i) == '\n') {
                    return new String(buffer.array(), 0, i, StandardCharsets.UTF_8);
                }
            }
            if (!buffer.hasRemaining()) {
                throw new IOException("conmon's report is too long");
            }
        }
    }

    static int readPid(Path pidFile) {
        try {
            return Integer.parseInt(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private record Duration(long amount, TimeUnit unit) {
    }
}
