package dev.berth.runtime.monitor;

import dev.berth.oci.json.Json;
import dev.berth.runtime.ContainerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Drives runc, the OCI runtime: each call is one short runc process with its state kept under {@code stateRoot}
 * (a tmpfs under /run, so a reboot forgets containers that cannot have survived it).
 */
public final class Runc {
    private final Path binary;
    private final Path stateRoot;

    public Runc(Path binary, Path stateRoot) {
        this.binary = binary;
        this.stateRoot = stateRoot;
    }

    public static Runc find(Path stateRoot) {
        return new Runc(Tools.require("runc", "runc"), stateRoot);
    }

    public Path binary() {
        return binary;
    }

    public Path stateRoot() {
        return stateRoot;
    }

    /** Runs the container's process, created by {@code runc create} (through conmon). */
    public void start(String id) {
        run("start", id);
    }

    /** Sends a signal to the container's init process (all its processes with {@code all}). */
    public void kill(String id, String signal, boolean all) {
        if (all) {
            run("kill", "--all", id, signal);
        } else {
            run("kill", id, signal);
        }
    }

    /** Deletes the container's runtime state and cgroups; with force, kills it first. */
    public void delete(String id, boolean force) {
        if (force) {
            run("delete", "--force", id);
        } else {
            run("delete", id);
        }
    }

    /**
     * {@code runc delete --force}, tolerating a container runc does not know: one runc run instead of
     * {@code state} then {@code delete} on the exit path of every container.
     */
    public void deleteIfPresent(String id) {
        Result r = exec(List.of("delete", "--force", id));
        if (r.exitCode != 0 && !r.stderr.contains("does not exist") && !r.stderr.contains("not exist")) {
            throw new ContainerException("runc delete failed: " + r.message());
        }
    }

    /** runc's view of the container, or null when runc does not know it. */
    public RuncState state(String id) {
        Result r = exec(List.of("state", id));
        if (r.exitCode != 0) {
            if (r.stderr.contains("does not exist") || r.stderr.contains("not exist")) {
                return null;
            }
            throw new ContainerException("runc state " + id + " failed: " + r.message());
        }
        JsonNode node = Json.mapper().readTree(r.stdout);
        return new RuncState(node.path("status").asString(""), node.path("pid").asInt(0));
    }

    /** The command line of {@code runc exec} for a process spec file, to be started by the caller with its pipes. */
    public List<String> execCommand(String id, Path processJson, Path pidFile) {
        return List.of(binary.toString(), "--root", stateRoot.toString(), "exec", "--process", processJson.toString(),
                "--pid-file", pidFile.toString(), id);
    }

    private void run(String... args) {
        Result r = exec(List.of(args));
        if (r.exitCode != 0) {
            throw new ContainerException("runc " + args[0] + " failed: " + r.message());
        }
    }

    private Result exec(List<String> args) {
        List<String> command = new ArrayList<>(args.size() + 3);
        command.add(binary.toString());
        command.add("--root");
        command.add(stateRoot.toString());
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] err;
            byte[] out;
            try (var stderr = process.getErrorStream(); var stdout = process.getInputStream()) {
                // runc's outputs are small: reading one after the other cannot fill a pipe and block
                out = stdout.readAllBytes();
                err = stderr.readAllBytes();
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new ContainerException("runc " + args.getFirst() + " did not finish within 60 seconds");
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ContainerException("cannot run " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerException("interrupted while running runc " + args.getFirst(), e);
        }
    }

    /** The runtime's own words for a failure: runc logs `time=… level=error msg="…"`; keep only the message. */
    public static String runcMessage(String stderr) {
        String last = stderr.strip();
        int msg = last.lastIndexOf("msg=\"");
        if (msg >= 0) {
            String rest = last.substring(msg + 5);
            int end = rest.lastIndexOf('"');
            return (end > 0 ? rest.substring(0, end) : rest).replace("\\\"", "\"");
        }
        return last;
    }

    private record Result(int exitCode, String stdout, String stderr) {
        String message() {
            String m = runcMessage(stderr);
            return m.isEmpty() ? "exit status " + exitCode : m;
        }
    }

    /** What {@code runc state} reports: status is created, running, paused or stopped. */
    public record RuncState(String status, int pid) {
    }
}
