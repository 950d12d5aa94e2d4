package dev.berth.build.copy;

import static dev.berth.build.copy.Trees.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.build.BuildException;
import dev.berth.build.context.BuildContext;
import dev.berth.build.context.FileHashCache;
import dev.berth.build.dockerfile.Instruction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .dockerignore (the right one) and --exclude leave files out of what COPY sees and hashes. */
class IgnoreAndExcludeTest {
    @TempDir
    Path temp;
    CopyFixture f;

    @BeforeEach
    void context() throws IOException {
        f = new CopyFixture(temp);
        Path c = f.context;
        file(c, "app.py", "print()", 0644);
        file(c, "notes.md", "n", 0644);
        file(c, "home.txt", "h", 0644);
        file(c, "homework.py", "w", 0644);
        file(c, "src/main.py", "m", 0644);
        file(c, "src/test.log", "l", 0644);
        file(c, "src/keep/important.log", "i", 0644);
        file(c, "build/out.bin", "o", 0644);
        file(c, "build/keep.txt", "k", 0644);
        file(c, "secrets/key", "s", 0600);
    }

    private List<String> copyWithIgnore(String ignoreText, String... words) throws IOException {
        Files.writeString(f.context.resolve(".dockerignore"), ignoreText);
        BuildContext context = BuildContext.open(f.context, f.context.resolve("Dockerfile"));
        CopyFixture.Step step = f.copy(words);
        CopyRequest base = step.request();
        CopyRequest request = new CopyRequest(base.keyword(), base.position(), new CopySource.Context(context),
                base.spec(), base.workdir(), false, null, false, java.util.Map.of());
        try (CopyStep prepared = CopyStep.prepare(request, f.hashes)) {
            prepared.apply(f.rootfs, f.output);
        }
        return Trees.describe(f.output);
    }

    @Test
    void dockerignoreLeavesFilesOutOfDirectoryCopiesWithExceptions() throws IOException {
        assertThat(copyWithIgnore("**/*.log\n!src/keep/*.log\nbuild\n!build/keep.txt\nsecrets\n.dockerignore\n",
                ".", "/app/")).containsExactly(
                "d 0755 0:0 app",
                "f 0644 0:0 app/app.py = print()",
                "d 0755 0:0 app/build",
                "f 0644 0:0 app/build/keep.txt = k",
                "f 0644 0:0 app/home.txt = h",
                "f 0644 0:0 app/homework.py = w",
                "f 0644 0:0 app/notes.md = n",
                "d 0755 0:0 app/src",
                "d 0755 0:0 app/src/keep",
                "f 0644 0:0 app/src/keep/important.log = i",
                "f 0644 0:0 app/src/main.py = m");
    }

    @Test
    void anIgnoredSourceIsNotFoundAndSaysWhy() throws IOException {
        assertThatThrownBy(() -> copyWithIgnore("secrets\n", "secrets/key", "/k"))
                .isInstanceOf(BuildException.class)
                .hasMessage("COPY failed: file not found in build context: secrets/key (it is excluded by .dockerignore)"
                        + " (Dockerfile:5:1)");
    }

    @Test
    void ignoredFilesDoNotMatchWildcards() throws IOException {
        assertThat(copyWithIgnore("*.md\n", "*.md", "*.py", "/d/")).containsExactly(
                "d 0755 0:0 d",
                "f 0644 0:0 d/app.py = print()",
                "f 0644 0:0 d/homework.py = w");
    }

    @Test
    void ignoredFilesDoNotChangeTheDigest() throws IOException {
        Files.writeString(f.context.resolve(".dockerignore"), "src/*.log\n"); // "*.log" alone would mean the root only
        BuildContext context = BuildContext.open(f.context, null);
        Instruction.CopySpec spec = new Instruction.CopySpec(List.of("src"), "/s/", null, null, false, false, List.of(),
                List.of());
        CopyRequest request = CopyRequest.of(new Instruction.Copy(CopyFixture.AT, "COPY src /s/", spec, null),
                new CopySource.Context(context), "/");
        String before;
        try (CopyStep step = CopyStep.prepare(request, FileHashCache.inMemory())) {
            before = step.sourceDigest();
        }
        Files.writeString(f.context.resolve("src/test.log"), "a new log line");
        try (CopyStep step = CopyStep.prepare(request, FileHashCache.inMemory())) {
            assertThat(step.sourceDigest()).isEqualTo(before);
        }
        Files.writeString(f.context.resolve("src/main.py"), "changed");
        try (CopyStep step = CopyStep.prepare(request, FileHashCache.inMemory())) {
            assertThat(step.sourceDigest()).isNotEqualTo(before);
        }
    }

    @Test
    void anIgnoredDirectoryWithAnExceptionStillMatchesHoldingOnlyTheException() throws IOException {
        assertThat(copyWithIgnore("build\n!build/keep.txt\n", "bui*", "/d/")).containsExactly(
                "d 0755 0:0 d",
                "f 0644 0:0 d/keep.txt = k");
    }

    @Test
    void excludeAppliesToWildcardMatchesAsTheReferenceShows() throws IOException {
        // COPY --exclude=*.txt hom* /mydir/
        assertThat(f.copy("hom*", "/mydir/").exclude("*.txt").run()).containsExactly(
                "d 0755 0:0 mydir",
                "f 0644 0:0 mydir/homework.py = w");
    }

    @Test
    void excludeAppliesInsideCopiedDirectoriesWithExceptions() throws IOException {
        assertThat(f.copy("src", "build", "/d/").exclude("*.log").exclude("keep").exclude("!keep/important.log")
                .exclude("*.bin").run()).containsExactly(
                "d 0755 0:0 d",
                "d 0755 0:0 d/keep",
                "f 0644 0:0 d/keep.txt = k",
                "f 0644 0:0 d/keep/important.log = i",
                "f 0644 0:0 d/main.py = m");
    }

    @Test
    void excludeChangesTheDigest() {
        assertThat(f.copy("src", "/d/").exclude("*.log").digest()).isNotEqualTo(f.copy("src", "/d/").digest());
    }
}
