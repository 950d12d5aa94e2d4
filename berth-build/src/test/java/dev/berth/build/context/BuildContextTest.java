package dev.berth.build.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.build.BuildException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildContextTest {
    @TempDir
    Path temp;

    @Test
    void aDockerfileSpecificIgnoreFileWinsOverTheContextOne() throws IOException {
        Path context = Files.createDirectories(temp.resolve("ctx"));
        Path elsewhere = Files.createDirectories(temp.resolve("docker"));
        Path dockerfile = Files.writeString(elsewhere.resolve("app.Dockerfile"), "FROM scratch\n");
        assertThat(BuildContext.ignoreFile(context, dockerfile)).isNull();

        Files.writeString(context.resolve(".dockerignore"), "*.log\n");
        assertThat(BuildContext.ignoreFile(context, dockerfile)).isEqualTo(context.resolve(".dockerignore"));

        Files.writeString(elsewhere.resolve("app.Dockerfile.dockerignore"), "*.tmp\n");
        assertThat(BuildContext.ignoreFile(context, dockerfile))
                .isEqualTo(elsewhere.resolve("app.Dockerfile.dockerignore"));
        // another Dockerfile's ignore file does not count
        assertThat(BuildContext.ignoreFile(context, elsewhere.resolve("Dockerfile")))
                .isEqualTo(context.resolve(".dockerignore"));
        assertThat(BuildContext.ignoreFile(context, null)).isEqualTo(context.resolve(".dockerignore"));
    }

    @Test
    void withoutAnIgnoreFileNothingIsExcluded() throws IOException {
        Path context = Files.createDirectories(temp.resolve("ctx"));
        BuildContext opened = BuildContext.open(context, context.resolve("Dockerfile"));
        assertThat(opened.root()).isEqualTo(context.toRealPath());
        assertThat(opened.ignoreFile()).isNull();
        assertThat(opened.excludes("anything/at/all")).isFalse();
    }

    @Test
    void aMissingContextIsRefusedByName() {
        assertThatThrownBy(() -> BuildContext.open(temp.resolve("nope"), null))
                .isInstanceOf(BuildException.class)
                .hasMessage("cannot use " + temp.resolve("nope") + " as the build context: it does not exist");
    }
}
