package dev.berth.build.copy;

import dev.berth.build.context.BuildContext;
import dev.berth.build.context.FileHashCache;
import dev.berth.build.dockerfile.Instruction;
import dev.berth.build.dockerfile.SourcePosition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds COPY/ADD requests the way the parser and expander would hand them over, and runs them. */
final class CopyFixture {
    static final SourcePosition AT = new SourcePosition("Dockerfile", 5, 1);

    final Path context;
    final Path rootfs;
    final Path output;
    final FileHashCache hashes = FileHashCache.inMemory();

    CopyFixture(Path temp) throws IOException {
        this.context = Files.createDirectories(temp.resolve("context"));
        this.rootfs = Files.createDirectories(temp.resolve("rootfs"));
        this.output = Files.createDirectories(temp.resolve("output"));
    }

    /** A mutable COPY/ADD under construction. */
    final class Step {
        final List<String> sources = new ArrayList<>();
        String destination;
        String chown;
        String chmod;
        boolean parents;
        final List<String> excludes = new ArrayList<>();
        final List<Instruction.Heredoc> heredocs = new ArrayList<>();
        String workdir = "/";
        boolean add;
        String checksum;
        CopySource source;

        Step chown(String value) {
            chown = value;
            return this;
        }

        Step chmod(String value) {
            chmod = value;
            return this;
        }

        Step parents() {
            parents = true;
            return this;
        }

        Step exclude(String pattern) {
            excludes.add(pattern);
            return this;
        }

        Step heredoc(String name, String content) {
            heredocs.add(new Instruction.Heredoc(name, content, true, false));
            return this;
        }

        Step workdir(String value) {
            workdir = value;
            return this;
        }

        Step checksum(String value) {
            checksum = value;
            return this;
        }

        Step from(Path root) {
            source = new CopySource.Filesystem(root, "stage 'build'");
            return this;
        }

        CopyRequest request() {
            Instruction.CopySpec spec = new Instruction.CopySpec(sources, destination, chown, chmod, false, parents,
                    excludes, heredocs);
            String text = (add ? "ADD " : "COPY ") + String.join(" ", sources) + " " + destination;
            BuildContext buildContext = BuildContext.withoutIgnoreFile(context);
            if (add) {
                return CopyRequest.of(new Instruction.Add(AT, text, spec, checksum, false), buildContext, workdir);
            }
            return CopyRequest.of(new Instruction.Copy(AT, text, spec, null),
                    source != null ? source : new CopySource.Context(buildContext), workdir);
        }

        CopyStep prepare() {
            return CopyStep.prepare(request(), hashes);
        }

        /** Prepares and applies onto the fixture's rootfs; returns the output tree. */
        List<String> run() throws IOException {
            try (CopyStep step = prepare()) {
                step.apply(rootfs, output);
            }
            return Trees.describe(output);
        }

        String digest() {
            try (CopyStep step = prepare()) {
                return step.sourceDigest();
            }
        }
    }

    /** {@code COPY sources… destination} (the last argument is the destination). */
    Step copy(String... words) {
        Step step = new Step();
        step.sources.addAll(List.of(words).subList(0, words.length - 1));
        step.destination = words[words.length - 1];
        return step;
    }

    Step add(String... words) {
        Step step = copy(words);
        step.add = true;
        return step;
    }
}
