package dev.berth.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.build.BuildException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Goes through the Dockerfile corpus: every {@code valid/X.Dockerfile} parses to the instruction list in
 * {@code X.expected}, every {@code invalid/X.Dockerfile} fails with exactly the message in {@code X.error}. Errors
 * name the file "Dockerfile". With {@code -Dcorpus.write=true} missing expectation files are written (to review by
 * hand before committing), never overwritten.
 */
class DockerfileCorpusTest {
    private static final Path CORPUS = Path.of("src/test/resources/dockerfiles");
    private static final boolean WRITE = Boolean.getBoolean("corpus.write");

    static Stream<Path> valid() throws IOException {
        return files("valid");
    }

    static Stream<Path> invalid() throws IOException {
        return files("invalid");
    }

    private static Stream<Path> files(String dir) throws IOException {
        try (Stream<Path> s = Files.list(CORPUS.resolve(dir))) {
            List<Path> list = s.filter(p -> p.toString().endsWith(".Dockerfile")).sorted().toList();
            return list.stream();
        }
    }

    private static Path beside(Path dockerfile, String extension) {
        String name = dockerfile.getFileName().toString();
        return dockerfile.resolveSibling(name.substring(0, name.length() - ".Dockerfile".length()) + extension);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parsesToTheExpectedInstructions(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String actual = CanonicalPrinter.print(DockerfileParser.parse("Dockerfile", text));
        Path expected = beside(file, ".expected");
        if (WRITE && !Files.exists(expected)) {
            Files.writeString(expected, actual);
        }
        assertThat(actual).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void failsWithTheExpectedMessage(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Path error = beside(file, ".error");
        if (WRITE && !Files.exists(error)) {
            try {
                DockerfileParser.parse("Dockerfile", text);
            } catch (BuildException e) {
                Files.writeString(error, e.getMessage() + "\n");
            }
        }
        String message = Files.readString(error, StandardCharsets.UTF_8).strip();
        assertThatThrownBy(() -> DockerfileParser.parse("Dockerfile", text))
                .isInstanceOf(BuildException.class)
                .hasMessage(message);
    }

    @Test
    void theCorpusIsLargeAndEveryFileHasItsExpectation() throws IOException {
        List<Path> v = valid().toList();
        List<Path> i = invalid().toList();
        assertThat(v.size() + i.size()).isGreaterThanOrEqualTo(60);
        v.forEach(p -> assertThat(beside(p, ".expected")).exists());
        i.forEach(p -> assertThat(beside(p, ".error")).exists());
    }
}
