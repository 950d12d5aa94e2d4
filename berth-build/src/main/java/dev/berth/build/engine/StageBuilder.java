package dev.berth.build.engine;

import dev.berth.build.BuildException;
import dev.berth.build.cache.CacheEntry;
import dev.berth.build.cache.CacheKey;
import dev.berth.build.copy.ChownSpec;
import dev.berth.build.copy.CopyRequest;
import dev.berth.build.copy.CopyResult;
import dev.berth.build.copy.CopySource;
import dev.berth.build.copy.CopyStep;
import dev.berth.build.dockerfile.Dockerfile;
import dev.berth.build.dockerfile.DockerfileParser;
import dev.berth.build.dockerfile.Instruction;
import dev.berth.build.dockerfile.Stage;
import dev.berth.build.dockerfile.StageScope;
import dev.berth.build.exec.BuildContainer;
import dev.berth.build.exec.RootfsView;
import dev.berth.build.exec.RunSpec;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Platform;
import dev.berth.oci.layer.LayerEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds one stage: its base, then each instruction in order, every step keyed for the cache and taken from it when
 * it can be. Single-threaded; the stages of a build run on threads of their own.
 */
final class StageBuilder {
    /** Lines of a failed RUN's output its error message repeats. */
    static final int FAILURE_TAIL = 10;

    private final BuildSession session;
    private final Stage stage;
    private final String label;
    private final int total;

    private ContainerConfig config;
    private String author;
    private Platform platform;
    private final List<ImageConfig.History> history = new ArrayList<>();
    private final List<LayerRef> layers = new ArrayList<>();
    private String key;
    private String created;
    /** The variables this stage sees (ENV, the ARGs it declared, proxies), fed every instruction in order. */
    private StageScope scope;
    private boolean cmdSetHere;
    private int index;

    StageBuilder(BuildSession session, Stage stage) {
        this.session = session;
        this.stage = stage;
        this.label = stage.name().orElse("stage-" + stage.index());
        this.total = stage.instructions().size() + 1;
    }

    StageResult build() {
        from();
        for (Instruction instruction : stage.instructions()) {
            session.checkCancelled();
            step(instruction, instruction.source());
        }
        return new StageResult(config, author, platform, history, layers, key, created);
    }

    // ---- FROM

    private void from() {
        Trace.mark(label + ": FROM");
        Instruction.From from = stage.from();
        BuildListener.Step step = newStep(from.source());
        session.listener.started(step);
        long t0 = System.nanoTime();
        try {
            Instruction.From expanded = session.args.expandFrom(stage);
            Trace.mark("from expanded");
            Platform wanted = expanded.platform() == null || expanded.platform().isEmpty() ? session.targetPlatform
                    : Platforms.parse(expanded.platform(), where(from));
            String image = expanded.image();
            StageResult base;
            Optional<Stage> earlier = session.dockerfile.baseStage(stage, image);
            if (image.equalsIgnoreCase("scratch")) {
                String scratchKey = CacheKey.of("scratch").part("platform", wanted.toString()).finish();
                base = new StageResult(ContainerConfig.EMPTY, null, wanted, List.of(), List.of(), scratchKey, null);
            } else if (earlier.isPresent()) {
                base = awaitStage(earlier.get().index());
            } else {
                base = session.baseImages.resolve(image, wanted, where(from) + ": FROM " + image);
            }
            Trace.mark("base resolved");
            config = base.config().withOnBuild(null);
            scope = session.args.stage(envMap(config.env()));
            author = base.author();
            platform = base.platform();
            history.addAll(base.history());
            layers.addAll(base.layers());
            key = CacheKey.of("stage").part("base", base.cacheKey()).part("time", session.times.keyPart()).finish();
            created = base.created();
            session.listener.finished(step, Duration.ofNanos(System.nanoTime() - t0));
            session.steps.incrementAndGet();
            List<String> triggers = base.config().onBuild();
            if (triggers != null && !triggers.isEmpty()) {
                runTriggers(triggers, from);
            }
        } catch (BuildException e) {
            session.listener.failed(step, e.getMessage());
            throw e;
        }
    }

    /** ONBUILD triggers of the base image, run right after FROM as if written there. */
    private void runTriggers(List<String> triggers, Instruction.From from) {
        for (String trigger : triggers) {
            String text = "FROM scratch\n" + trigger + "\n";
            Dockerfile parsed;
            try {
                parsed = DockerfileParser.parse(session.dockerfile.file() + " (ONBUILD of the base image)", text);
            } catch (BuildException e) {
                throw new BuildException(where(from) + ": the base image's ONBUILD trigger '" + trigger + "' is invalid: "
                        + e.getMessage(), e);
            }
            for (Instruction instruction : parsed.stages().getFirst().instructions()) {
                if (instruction instanceof Instruction.Onbuild || instruction instanceof Instruction.From) {
                    throw new BuildException(where(from) + ": ONBUILD " + instruction.keyword() + " is not allowed");
                }
                step(instruction, "ONBUILD " + instruction.source());
            }
        }
    }

    private static Map<String, String> envMap(List<String> env) {
        Map<String, String> m = new LinkedHashMap<>();
        if (env != null) {
            for (String e : env) {
                int eq = e.indexOf('=');
                m.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
            }
        }
        return m;
    }

    private StageResult awaitStage(int index) {
        try {
            return session.stages.get(index).join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            throw new BuildException("the stage this one depends on failed", e);
        }
    }

    // ---- one instruction

    private void step(Instruction raw, String text) {
        Trace.mark(label + ": " + raw.keyword());
        BuildListener.Step step = newStep(text);
        session.listener.started(step);
        long t0 = System.nanoTime();
        try {
            Instruction e = scope.expand(raw);
            if (e instanceof Instruction.Arg) {
                session.listener.finished(step, Duration.ofNanos(System.nanoTime() - t0));
                session.steps.incrementAndGet();
                return;
            }
            CacheKey k = CacheKey.of("step").part("parent", key).part("instruction", Canonical.text(e))
                    .part("platform", platform.toString()).part("time", session.times.keyPart());
            try (Inputs inputs = inputs(e)) {
                Trace.mark("inputs");
                inputs.addTo(k);
                runStep(e, k.finish(), step, inputs, text, t0);
            }
        } catch (BuildException e) {
            session.listener.failed(step, e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            String message = where(raw) + ": " + raw.keyword() + " failed: " + e.getMessage();
            session.listener.failed(step, message);
            throw new BuildException(message, e);
        }
    }

    private void runStep(Instruction e, String stepKey, BuildListener.Step step, Inputs inputs, String text, long t0) {
        Optional<CacheEntry> hit = session.request.noCache() ? Optional.empty() : session.cache.lookup(stepKey);
        if (hit.isPresent() && (!hit.get().hasLayer() || session.lease.holdIfPresent(hit.get().layer().digest()))) {
            CacheEntry entry = hit.get();
            applyConfig(e);
            LayerRef layer = entry.hasLayer() ? addLayer(new LayerRef(entry.layer(), entry.diffId())) : null;
            addHistory(e, layer, entry.created());
            key = stepKey;
            session.cachedSteps.incrementAndGet();
            session.steps.incrementAndGet();
            session.listener.cached(step);
            return;
        }
        LayerRef layer = execute(e, step, inputs);
        applyConfig(e);
        String stepCreated = session.times.now();
        addHistory(e, layer, stepCreated);
        key = stepKey;
        session.cache.record(session.lease, new CacheEntry(stepKey, stepCreated, layer == null ? null : layer.blob(),
                layer == null ? null : layer.diffId(), layer == null ? null : LayerStack.topChainId(layers),
                text.lines().findFirst().orElse(text)));
        session.steps.incrementAndGet();
        session.listener.finished(step, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Build arguments in scope with a value: what a RUN sees in its environment (ENV wins over ARG). */
    private Map<String, String> runArgs() {
        Map<String, String> visible = new LinkedHashMap<>(scope.args());
        visible.keySet().removeIf(name -> scope.environment().containsKey(name));
        return visible;
    }

    // ---- what a step reads, for its key

    /**
     * The inputs of a step beyond its text: files it reads (by content), stages it reads (by key), its env. A COPY
     * or ADD from the context is prepared here already (its sources found and hashed); closing releases it.
     */
    private record Inputs(Map<String, String> parts, RunMounts.Plan mounts, CopyStep copy, StageResult copyFrom)
            implements AutoCloseable {
        void addTo(CacheKey k) {
            k.parts("inputs", parts);
        }

        @Override
        public void close() {
            if (copy != null) {
                copy.close();
            }
        }
    }

    private Inputs inputs(Instruction e) {
        Map<String, String> parts = new LinkedHashMap<>();
        String workdir = config.workingDir() == null || config.workingDir().isEmpty() ? "/" : config.workingDir();
        switch (e) {
            case Instruction.Run r -> {
                runArgs().forEach((n, v) -> parts.put("arg:" + n, v));
                parts.put("network", networkOf(r));
                RunMounts.Plan plan = RunMounts.plan(r, this, session);
                plan.keyParts().forEach(parts::put);
                return new Inputs(parts, plan, null, null);
            }
            case Instruction.Copy c when c.from() != null -> {
                StageResult from = copySource(c.from(), where(c));
                parts.put("from", from.cacheKey());
                parts.put("workdir", workdir);
                return new Inputs(parts, null, null, from);
            }
            case Instruction.Copy c -> {
                CopyStep step = CopyStep.prepare(session.copyPolicies(
                        CopyRequest.of(c, new CopySource.Context(session.context), workdir)), session.hashes);
                parts.put("sources", step.sourceDigest());
                return new Inputs(parts, null, step, null);
            }
            case Instruction.Add a -> {
                CopyStep step = CopyStep.prepare(session.copyPolicies(CopyRequest.of(a, session.context, workdir)),
                        session.hashes);
                parts.put("sources", step.sourceDigest());
                return new Inputs(parts, null, step, null);
            }
            case Instruction.Workdir w -> {
                parts.put("user", config.user() == null ? "" : config.user()); // the owner of what it creates
                return new Inputs(parts, null, null, null);
            }
            default -> {
                return new Inputs(parts, null, null, null);
            }
        }
    }

    private String networkOf(Instruction.Run r) {
        String n = r.network();
        if (n == null || n.equals("default")) {
            return session.request.hostNetwork() ? "host" : "none";
        }
        if (!n.equals("host") && !n.equals("none")) {
            throw new BuildException(where(r) + ": RUN --network=" + n + ": expected default, none or host");
        }
        return n;
    }

    /** A stage or image that COPY --from or a mount's from= names. */
    StageResult copySource(String from, String where) {
        Optional<Stage> s = session.dockerfile.stage(from);
        if (s.isPresent()) {
            if (s.get().index() == stage.index()) {
                throw new BuildException(where + ": --from=" + from + " names the stage it is in");
            }
            return awaitStage(s.get().index());
        }
        return session.baseImages.resolve(from, platform, where + ": --from=" + from);
    }

    // ---- running a step that changes files

    private LayerRef execute(Instruction e, BuildListener.Step step, Inputs inputs) {
        return switch (e) {
            case Instruction.Run r -> run(r, step, inputs.mounts());
            case Instruction.Copy c -> copy(c, c.spec(), inputs);
            case Instruction.Add a -> copy(a, a.spec(), inputs);
            case Instruction.Workdir w -> workdir(w);
            default -> null;
        };
    }

    private LayerRef run(Instruction.Run r, BuildListener.Step step, RunMounts.Plan plan) {
        if (!platform.os().equals("linux") || !platform.architecture().equals(Platform.host().architecture())) {
            throw new BuildException(where(r) + ": RUN cannot run for the platform " + platform + ": this host runs "
                    + Platform.host() + " only");
        }
        List<String> argv = runArgv(r);
        byte[] stdin = null;
        List<String> env = new ArrayList<>();
        scope.runEnvironment().forEach((n, v) -> env.add(n + "=" + v));
        Deque<String> tail = new ArrayDeque<>();
        List<Path> lowers = session.lowers(layers);
        try (RunMounts.Prepared mounts = plan.prepare(session);
             BuildContainer container = BuildContainer.prepare(session.workRoot, session.runc, session.teardowns,
                     new RunSpec(lowers, argv, env, config.workingDir() == null ? "" : config.workingDir(),
                             config.user() == null ? "" : config.user(), networkOf(r).equals("host"), mounts.mounts(),
                             stdin))) {
            int exit = container.run((line, stderr) -> {
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > FAILURE_TAIL) {
                        tail.removeFirst();
                    }
                }
                session.listener.output(step, line, stderr);
            });
            session.checkCancelled();
            if (exit != 0) {
                StringBuilder message = new StringBuilder(where(r) + ": RUN " + commandText(r) + " failed with exit code "
                        + exit);
                synchronized (tail) {
                    if (!tail.isEmpty()) {
                        message.append("; its last lines of output:");
                        for (String line : tail) {
                            message.append("\n  ").append(line);
                        }
                    }
                }
                throw new BuildException(message.toString());
            }
            List<LayerEntry> changes = container.changes();
            return changes.isEmpty() ? null : addLayer(session.writeLayer(changes));
        }
    }

    /** The argv of a RUN: exec form as is; shell form through SHELL, heredocs appended to the script. */
    private List<String> runArgv(Instruction.Run r) {
        if (r.heredocs().isEmpty() || !(r.command() instanceof Instruction.Command.ShellForm shell)) {
            return ConfigSteps.argv(r.command(), config);
        }
        String command = shell.script().strip();
        StringBuilder script = new StringBuilder();
        if (command.matches("<<-?[\"']?[A-Za-z0-9_]+[\"']?") && r.heredocs().size() == 1) {
            script.append(r.heredocs().getFirst().content()); // the heredoc is the whole script
        } else {
            script.append(shell.script()).append('\n');
            for (Instruction.Heredoc h : r.heredocs()) {
                script.append(h.content()).append(h.name()).append('\n');
            }
        }
        return ConfigSteps.argv(new Instruction.Command.ShellForm(script.toString()), config);
    }

    private static String commandText(Instruction.Run r) {
        String text = switch (r.command()) {
            case Instruction.Command.ShellForm s -> s.script();
            case Instruction.Command.ExecForm x -> String.join(" ", x.args());
        };
        text = text.strip().replace('\n', ' ');
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    private LayerRef copy(Instruction at, Instruction.CopySpec spec, Inputs inputs) {
        Path output = session.workRoot.resolve("copy-" + java.util.HexFormat.of().toHexDigits(
                java.util.concurrent.ThreadLocalRandom.current().nextLong()));
        Runnable removeOutput = () -> {
            try {
                dev.berth.runtime.snapshot.SnapshotStore.deleteTree(output);
            } catch (java.io.IOException ignored) {
                // a leftover under build-tmp; the next build's start removes it
            }
        };
        session.teardowns.add(output, removeOutput);
        RootfsView sourceView = null;
        CopyStep fromStep = null;
        try {
            java.nio.file.Files.createDirectories(output);
            CopyStep step = inputs.copy();
            String workdir = config.workingDir() == null || config.workingDir().isEmpty() ? "/" : config.workingDir();
            if (step == null) {
                StageResult from = inputs.copyFrom();
                sourceView = RootfsView.open(session.workRoot, session.lowers(from.layers()), session.teardowns);
                String name = ((Instruction.Copy) at).from();
                fromStep = CopyStep.prepare(session.copyPolicies(CopyRequest.of((Instruction.Copy) at,
                        new CopySource.Filesystem(sourceView.root(), "stage or image '" + name + "'"), workdir)),
                        session.hashes);
                step = fromStep;
            }
            CopyResult result;
            if (spec.link()) {
                result = step.apply(null, output);
            } else {
                try (RootfsView dest = RootfsView.open(session.workRoot, session.lowers(layers), session.teardowns)) {
                    result = step.apply(dest.root(), output);
                }
            }
            return result.entries().isEmpty() ? null : addLayer(session.writeLayer(result.entries()));
        } catch (java.io.IOException e) {
            throw new BuildException(where(at) + ": cannot prepare the COPY: " + e.getMessage(), e);
        } finally {
            if (fromStep != null) {
                fromStep.close();
            }
            if (sourceView != null) {
                sourceView.close();
            }
            removeOutput.run();
            session.teardowns.remove(output);
        }
    }

    private LayerRef workdir(Instruction.Workdir w) {
        String dir = ConfigSteps.workdir(config.workingDir(), w.path());
        if (dir.equals("/")) {
            return null;
        }
        try (RootfsView view = RootfsView.open(session.workRoot, session.lowers(layers), session.teardowns)) {
            // As BuildKit (and Buildah): directories WORKDIR creates belong to the USER in effect, so that user can
            // write in its working directory; names are looked up in this stage's /etc/passwd and /etc/group.
            String user = config.user() == null ? "" : config.user();
            ChownSpec.Owner owner = user.isEmpty() ? ChownSpec.Owner.ROOT : ChownSpec.forUser(user).resolve(view.root());
            List<LayerEntry> entries = new ArrayList<>();
            String rel = dir.substring(1);
            String p = rel;
            while (!p.isEmpty() && !isDirectoryInside(view.root(), p)) {
                entries.addFirst(LayerEntry.directory(p, 0755).withOwner(owner.uid(), owner.gid()));
                int slash = p.lastIndexOf('/');
                p = slash < 0 ? "" : p.substring(0, slash);
            }
            if (!entries.isEmpty()) {
                entries.addAll(0, existingAncestors(view.root(), p));
            }
            return entries.isEmpty() ? null : addLayer(session.writeLayer(entries));
        }
    }

    /**
     * Whether {@code relative} names a directory in the image, symlinks followed as inside the container (an absolute
     * link resolves against the image's root, never the host's).
     */
    private static boolean isDirectoryInside(java.nio.file.Path root, String relative) {
        try {
            java.nio.file.Path resolved = dev.berth.oci.layer.ContainedPath.resolveFollowing(root, "/" + relative);
            return resolved != null && java.nio.file.Files.isDirectory(resolved, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (dev.berth.oci.OciException e) {
            return false;
        }
    }

    /**
     * Entries for the directories above a new WORKDIR that exist already, with their mode and owner. Without them,
     * unpacking the layer would make those directories anew as root's 0755, and in the overlay of later steps the
     * topmost layer's copy of a directory decides its owner and mode. None when one of them is a symbolic link
     * (an entry would replace the link).
     */
    private static List<LayerEntry> existingAncestors(java.nio.file.Path root, String deepest) {
        List<LayerEntry> above = new ArrayList<>();
        for (String q = deepest; !q.isEmpty(); q = q.lastIndexOf('/') < 0 ? "" : q.substring(0, q.lastIndexOf('/'))) {
            java.nio.file.Path existing = root.resolve(q);
            if (java.nio.file.Files.isSymbolicLink(existing)) {
                return List.of();
            }
            try {
                Map<String, Object> a = java.nio.file.Files.readAttributes(existing, "unix:mode,uid,gid",
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
                above.addFirst(LayerEntry.directory(q, (Integer) a.get("mode") & 07777)
                        .withOwner(((Number) a.get("uid")).longValue(), ((Number) a.get("gid")).longValue()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + existing + ": " + e.getMessage(), e);
            }
        }
        return above;
    }

    private LayerRef addLayer(LayerRef layer) {
        layers.add(layer);
        return layer;
    }

    // ---- config and history

    private void applyConfig(Instruction e) {
        String where = where(e);
        switch (e) {
            case Instruction.Env env -> config = config.withEnv(ConfigSteps.setEnv(config.env(), env.pairs()));
            case Instruction.Label l -> config = config.withLabels(ConfigSteps.addLabels(config.labels(), l.pairs()));
            case Instruction.Expose x -> config = config.withExposedPorts(ConfigSteps.expose(config.exposedPorts(), x.ports(), where));
            case Instruction.Volume v -> config = config.withVolumes(ConfigSteps.volumes(config.volumes(), v.paths(), where));
            case Instruction.User u -> config = config.withUser(u.user());
            case Instruction.Workdir w -> config = config.withWorkingDir(ConfigSteps.workdir(config.workingDir(), w.path()));
            case Instruction.Stopsignal s -> config = config.withStopSignal(s.signal());
            case Instruction.Healthcheck h -> config = config.withHealthcheck(ConfigSteps.healthcheck(h, config));
            case Instruction.Shell s -> config = config.withShell(s.shell());
            case Instruction.Maintainer m -> author = m.name();
            case Instruction.Onbuild o -> config = config.withOnBuild(ConfigSteps.addOnBuild(config.onBuild(), o.trigger()));
            case Instruction.Cmd c -> {
                config = config.withCmd(ConfigSteps.argv(c.command(), config));
                cmdSetHere = true;
            }
            case Instruction.Entrypoint ep -> {
                config = config.withEntrypoint(ConfigSteps.argv(ep.command(), config));
                if (!cmdSetHere) {
                    config = config.withCmd(null); // ENTRYPOINT resets a CMD inherited from the base image
                }
            }
            default -> {
                // RUN, COPY, ADD, ARG change files or nothing in the config
            }
        }
    }

    private void addHistory(Instruction e, LayerRef layer, String when) {
        String createdBy = switch (e) {
            case Instruction.Run r -> {
                Map<String, String> visible = runArgs();
                StringBuilder s = new StringBuilder("RUN ");
                if (!visible.isEmpty()) {
                    s.append('|').append(visible.size());
                    visible.forEach((n, v) -> s.append(' ').append(n).append('=').append(v));
                    s.append(' ');
                }
                s.append(String.join(" ", runArgv(r)));
                yield s.toString();
            }
            default -> e.source();
        };
        history.add(new ImageConfig.History(when, createdBy, null, null, layer == null ? Boolean.TRUE : null));
        created = when;
    }

    // ---- helpers

    private BuildListener.Step newStep(String text) {
        index++;
        return new BuildListener.Step(session.stepIds.incrementAndGet(), label, index, total, text, session.multiStage);
    }

    static String where(Instruction i) {
        return i.position().toString();
    }
}
