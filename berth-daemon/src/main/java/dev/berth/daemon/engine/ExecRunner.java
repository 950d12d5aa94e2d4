package dev.berth.daemon.engine;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.EngineException.Kind;
import dev.berth.runtime.bundle.ExecSpec;
import dev.berth.runtime.bundle.RuntimeSpecWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a process inside a running container ({@code runc exec}: the container's namespaces, cgroups, root and
 * security settings), its output copied to the given streams. Used by {@code berth exec} and by health checks.
 */
final class ExecRunner {
    private ExecRunner() {
    }

    /** The process's exit code; 126/127 as Docker's when runc cannot run the command; -1 after a timeout (killed). */
    static int run(Engine engine, Container c, ExecSpec exec, OutputStream stdout, OutputStream stderr, Duration timeout) {
        if (!c.running()) {
            throw new EngineException(Kind.CONFLICT, "Container " + c.id() + " is not running");
        }
        Path spec = null;
        Path pidFile = null;
        try {
            spec = Files.createTempFile(c.files.bundle(), "exec-", ".json");
            pidFile = Files.createTempFile(c.files.bundle(), "exec-", ".pid");
            Files.delete(pidFile);
            RuntimeSpecWriter.writeExecProcess(exec, c.files.rootfs(), spec);
            List<String> command = engine.runtime.runc().execCommand(c.id(), spec, pidFile);
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            ErrorCapture errors = new ErrorCapture(stderr);
            Thread outCopy = Thread.ofVirtual().start(() -> copy(process.getInputStream(), stdout));
            Thread errCopy = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), errors));
            boolean finished = timeout == null ? process.waitFor(Long.MAX_VALUE, TimeUnit.DAYS)
                    : process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                killExec(pidFile);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                outCopy.join(1000);
                errCopy.join(1000);
                return -1;
            }
            outCopy.join();
            errCopy.join();
            int code = process.exitValue();
            String runcError = errors.runcError();
            if (runcError != null) {
                String lower = runcError.toLowerCase(java.util.Locale.ROOT);
                if (lower.contains("executable file not found") || lower.contains("no such file or directory")) {
                    return 127;
                }
                return 126;
            }
            return code;
        } catch (IOException e) {
            throw new EngineException("cannot exec in container " + c.id() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while running exec in " + c.id(), e);
        } finally {
            deleteQuietly(spec);
            deleteQuietly(pidFile);
        }
    }

    private static void killExec(Path pidFile) {
        try {
            int pid = Integer.parseInt(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        } catch (IOException | NumberFormatException ignored) {
            // it never started
        }
    }

    private static void copy(InputStream in, OutputStream out) {
        byte[] buffer = new byte[16 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException ignored) {
            // the reader went away
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // temp file in the bundle, removed with the container
            }
        }
    }

    /**
     * Passes stderr through, but recognises runc's own failure ("exec failed: …" in runc's log format) so that it
     * becomes Docker's exit code and message rather than the process's output.
     */
    private static final class ErrorCapture extends OutputStream {
        private final OutputStream target;
        private final StringBuilder head = new StringBuilder();
        private String runcError;

        ErrorCapture(OutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            String text = new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8);
            if (head.length() < 4096) {
                head.append(text);
            }
            if (text.contains("level=error") && text.contains("exec failed")) {
                runcError = dev.berth.runtime.monitor.Runc.runcMessage(text);
                target.write(("OCI runtime exec failed: " + runcError + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return;
            }
            target.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }

        String runcError() {
            return runcError;
        }
    }
}
