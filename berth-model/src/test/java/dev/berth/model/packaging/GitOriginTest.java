package dev.berth.model.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.packaging.provenance.GitOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitOriginTest {
    @TempDir
    Path dir;

    private String git(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", dir.toString(), "-c", "user.name=t", "-c", "user.email=t@t",
                "-c", "commit.gpgsign=false"));
        argv.addAll(List.of(args));
        Command.Result r = Command.run(argv, null, 30, "test git");
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out().strip();
    }

    @Test
    void aCommittedModelGivesItsCommitAndAChangedOrUncommittedOneIsDirty() throws Exception {
        Path model = OnnxModels.write(dir.resolve("models/m.onnx"), OnnxModels.classifier(1, true));
        assertThat(GitOrigin.of(model)).as("not a repository yet").isEmpty();
        git("init", "-q");
        assertThat(GitOrigin.of(model)).as("a repository without commits").isEmpty();
        git("add", "models/m.onnx");
        git("commit", "-q", "-m", "model");
        git("remote", "add", "origin", "https://user:secret@git.example.com/team/models.git");
        String head = git("rev-parse", "HEAD");

        GitOrigin clean = GitOrigin.of(model).orElseThrow();
        assertThat(clean.commit()).isEqualTo(head);
        assertThat(clean.dirty()).isFalse();
        assertThat(clean.revision()).isEqualTo(head);
        assertThat(clean.source()).isEqualTo("https://git.example.com/team/models.git").doesNotContain("secret");
        assertThat(clean.path()).isEqualTo("models/m.onnx");

        Files.write(model, OnnxModels.classifier(2, true));
        assertThat(GitOrigin.of(model).orElseThrow().revision()).isEqualTo(head + "-dirty");

        Path untracked = OnnxModels.write(dir.resolve("models/new.onnx"), OnnxModels.classifier(3, true));
        assertThat(GitOrigin.of(untracked).orElseThrow().dirty()).isTrue();
    }
}
