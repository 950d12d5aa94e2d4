package dev.berth.daemon.engine;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.EngineException.Kind;
import dev.berth.daemon.api.ExecRequest;
import dev.berth.runtime.bundle.ExecSpec;
import dev.berth.runtime.cgroup.CgroupStats;
import dev.berth.runtime.cgroup.Cgroups;
import dev.berth.runtime.logs.LogLine;
import dev.berth.runtime.logs.LogQuery;
import dev.berth.runtime.logs.LogReader;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** The engine's streams into and out of containers: logs, exec, stats and top. */
public final class ContainerIo {
    private final Engine engine;
    private final Map<String, ExecInstance> execs = new ConcurrentHashMap<>();
    private final Cgroups cgroups = Cgroups.detect();

    public ContainerIo(Engine engine) {
        this.engine = engine;
    }

    /** An exec created and maybe run: Docker keeps them to report the exit code after the stream ends. */
    public static final class ExecInstance {
        final String containerId;
        final ExecRequest request;
        volatile boolean running;
        volatile Integer exitCode;

        ExecInstance(String containerId, ExecRequest request) {
            this.containerId = containerId;
            this.request = request;
        }

        public Map<String, Object> view(String id) {
            return Map.of("ID", id, "ContainerID", containerId, "Running", running,
                    "ExitCode", exitCode == null ? 0 : exitCode);
        }
    }

    /** Fails with "No such container" unless the reference names one. */
    public String resolve(String idOrName) {
        return engine.get(idOrName).id();
    }

    /** Sends the lines the query asks for; with follow, keeps sending until the container stops. */
    public void logs(String idOrName, LogQuery query, boolean follow, Consumer<LogLine> sink) {
        Container c = engine.get(idOrName);
        LogReader reader = new LogReader(c.files.log(), LogOptions.of(c.record.hostConfig().logConfig()).maxFiles());
        if (!follow) {
            reader.read(query).forEach(sink);
            return;
        }
        reader.follow(query, sink, () -> engine.isLive(c));
    }

    /**
     * The container's output from its next start to its next exit, as {@code docker attach} before {@code start}: the
     * log is followed from its beginning until the exit is recorded and everything written has been sent.
     */
    public void attach(String idOrName, Consumer<LogLine> sink, Runnable attachedCallback) {
        Container c = engine.get(idOrName);
        java.util.concurrent.CompletableFuture<Integer> exit = c.nextExit();
        c.attached.incrementAndGet();
        try {
            attachedCallback.run();
            LogReader reader = new LogReader(c.files.log(), LogOptions.of(c.record.hostConfig().logConfig()).maxFiles());
            reader.follow(LogQuery.ALL, sink, () -> !exit.isDone());
        } finally {
            c.attached.decrementAndGet();
        }
    }

    /** Whether a path exists in the container and is a directory: {"name", "exists", "directory"}. */
    public Map<String, Object> statPath(String idOrName, String path) {
        var st = Archives.stat(engine, engine.get(idOrName), checkPath(path));
        return Map.of("name", st.name(), "exists", st.exists(), "directory", st.directory());
    }

    public void readArchive(String idOrName, String path, java.io.OutputStream out) {
        Archives.read(engine, engine.get(idOrName), checkPath(path), out);
    }

    public void writeArchive(String idOrName, String path, java.io.InputStream tar) {
        Archives.write(engine, engine.get(idOrName), checkPath(path), tar);
    }

    private static String checkPath(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new EngineException(Kind.INVALID, "the path in the container must be absolute: " + path);
        }
        return path;
    }

    public String createExec(String idOrName, ExecRequest request) {
        Container c = engine.get(idOrName);
        if (request.cmd() == null || request.cmd().isEmpty()) {
            throw new EngineException(Kind.INVALID, "no exec command specified");
        }
        if (!c.running()) {
            throw new EngineException(Kind.CONFLICT, "Container " + c.id() + " is not running");
        }
        String id = Engine.newId();
        execs.put(id, new ExecInstance(c.id(), request));
        return id;
    }

    public int startExec(String execId, OutputStream stdout, OutputStream stderr) {
        ExecInstance exec = exec(execId);
        Container c = engine.get(exec.containerId);
        var config = c.record.config();
        List<String> env = ConfigMerger.mergeEnv(config.env(), exec.request.env());
        String workdir = exec.request.workingDir() == null || exec.request.workingDir().isEmpty() ? config.workingDir()
                : exec.request.workingDir();
        String user = exec.request.user() == null || exec.request.user().isEmpty() ? config.user() : exec.request.user();
        boolean nnp = c.record.hostConfig().securityOpt().stream().anyMatch(s -> s.startsWith("no-new-privileges"));
        exec.running = true;
        try {
            int code = ExecRunner.run(engine, c, new ExecSpec(exec.request.cmd(), env, workdir, user, nnp), stdout, stderr, null);
            exec.exitCode = code;
            return code;
        } finally {
            exec.running = false;
        }
    }

    public ExecInstance exec(String execId) {
        ExecInstance exec = execs.get(execId);
        if (exec == null) {
            throw new EngineException(Kind.NOT_FOUND, "No such exec instance: " + execId);
        }
        return exec;
    }

    /** Two cgroup samples 100 ms apart (CPU % needs a difference), as {@code docker stats --no-stream}. */
    public Map<String, Object> stats(String idOrName) throws InterruptedException {
        Container c = engine.get(idOrName);
        if (!c.running()) {
            throw new EngineException(Kind.CONFLICT, "Container " + c.id() + " is not running");
        }
        String path = Lifecycle.cgroupsPath(c.id());
        CgroupStats first = cgroups.stats(path);
        long wall0 = System.nanoTime();
        Thread.sleep(100);
        CgroupStats second = cgroups.stats(path);
        long wall = System.nanoTime() - wall0;
        double cpuPercent = wall <= 0 ? 0 : 100.0 * (second.cpuUsageNanos() - first.cpuUsageNanos()) / wall;
        return Map.of("id", c.id(), "name", "/" + c.record.name(), "read", second.readAt().toString(),
                "cpu_percent", cpuPercent,
                "cpu_stats", Map.of("cpu_usage", Map.of("total_usage", second.cpuUsageNanos()),
                        "online_cpus", java.lang.Runtime.getRuntime().availableProcessors()),
                "memory_stats", Map.of("usage", second.memoryUsageBytes(), "limit", second.memoryLimitBytes(),
                        "inactive_file", second.memoryCacheBytes(), "shown", second.memoryUsedBytes()),
                "pids_stats", Map.of("current", second.pidsCurrent(), "limit", second.pidsLimit()));
    }

    /** The container's processes, as {@code ps -ef} columns (Docker's default for top). */
    public Map<String, Object> top(String idOrName) {
        Container c = engine.get(idOrName);
        if (!c.running()) {
            throw new EngineException(Kind.CONFLICT, "Container " + c.id() + " is not running");
        }
        List<Integer> pids = cgroups.pids(Lifecycle.cgroupsPath(c.id()));
        return Map.of("Titles", dev.berth.runtime.cgroup.ProcessRow.TITLES, "Processes",
                new dev.berth.runtime.cgroup.ProcessTable().rows(pids).stream().map(dev.berth.runtime.cgroup.ProcessRow::cells).toList());
    }
}
