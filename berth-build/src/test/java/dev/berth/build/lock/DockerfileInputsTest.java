package dev.berth.build.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.build.BuildException;
import dev.berth.build.dockerfile.DockerfileParser;
import dev.berth.oci.image.Platform;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which images and URLs a Dockerfile uses, with the build's rules for stages, platforms and variables. */
class DockerfileInputsTest {
    static final Platform AMD64 = Platform.of("linux", "amd64");
    static final Platform ARM64 = Platform.of("linux", "arm64");

    static DockerfileInputs.Inputs scan(String text, Map<String, String> args, Platform... targets) {
        return DockerfileInputs.scan(DockerfileParser.parse("Dockerfile", text), args, List.of(targets), AMD64);
    }

    static List<String> images(DockerfileInputs.Inputs inputs) {
        return inputs.images().stream().map(u -> u.reference() + " " + Platforms.format(u.platform()) + " "
                + u.position().line()).toList();
    }

    @Test
    void stagesScratchAndImagesAreToldApart() {
        var inputs = scan("""
                FROM alpine:3 AS base
                FROM base AS two
                FROM scratch
                COPY --from=base /a /a
                COPY --from=1 /a /b
                COPY --from=tools:1 /t /t
                RUN --mount=from=cache-image:2,target=/c --mount=type=cache,from=base,target=/d true
                FROM later
                FROM debian AS later
                """, Map.of(), AMD64);
        assertThat(images(inputs)).containsExactly(
                "docker.io/library/alpine:3 linux/amd64 1",
                "docker.io/library/tools:1 linux/amd64 6",
                "docker.io/library/cache-image:2 linux/amd64 7",
                // FROM names only earlier stages: "later" is defined after, so it is an image
                "docker.io/library/later:latest linux/amd64 8",
                "docker.io/library/debian:latest linux/amd64 9");
    }

    @Test
    void fromUsesGlobalArgsBuildArgsAndThePlatformArgs() {
        String text = """
                ARG REGISTRY=registry.example.com
                ARG FLAVOUR
                FROM --platform=$BUILDPLATFORM ${REGISTRY}/builder:1 AS builder
                FROM ${REGISTRY}/runtime:${TARGETARCH}${FLAVOUR:+-$FLAVOUR}
                """;
        assertThat(images(scan(text, Map.of(), AMD64, ARM64))).containsExactly(
                "registry.example.com/builder:1 linux/amd64 3",
                "registry.example.com/runtime:amd64 linux/amd64 4",
                "registry.example.com/builder:1 linux/amd64 3",
                "registry.example.com/runtime:arm64 linux/arm64 4");
        assertThat(images(scan(text, Map.of("FLAVOUR", "slim", "REGISTRY", "localhost:5001"), ARM64))).containsExactly(
                "localhost:5001/builder:1 linux/amd64 3",
                "localhost:5001/runtime:arm64-slim linux/arm64 4");
    }

    @Test
    void addUrlsUseTheStageScopeAndGitSourcesCannotBeLocked() {
        var inputs = scan("""
                ARG V=1
                FROM base AS a
                ARG V
                ARG HOST=https://example.com
                ENV PATH_PART=v${V}
                ADD --checksum=sha256:${SUM} ${HOST}/${PATH_PART}/x.tar.gz local.txt /dst/
                ENV HOST=http://env-wins.example
                ADD $HOST/y /y
                FROM a
                ADD http://example.com/$PATH_PART/z /z
                """, Map.of("V", "7"), AMD64);
        assertThat(inputs.urls()).extracting(DockerfileInputs.UrlUse::url).containsExactly(
                "https://example.com/v7/x.tar.gz", "http://env-wins.example/y", "http://example.com/v7/z");
        assertThat(inputs.urls().getFirst().checksum()).isEqualTo("sha256:");

        assertThatThrownBy(() -> scan("FROM base\nADD https://github.com/x/y.git#main /src\n", Map.of(), AMD64))
                .isInstanceOf(BuildException.class)
                .hasMessage("Dockerfile:2:1: ADD of the git repository https://github.com/x/y.git#main cannot be"
                        + " locked: berth lock pins files by their sha256");
        assertThatThrownBy(() -> scan("FROM --platform=linux base\n", Map.of(), AMD64))
                .hasMessageContaining("Dockerfile:1:1: FROM --platform: invalid platform 'linux'");
        assertThatThrownBy(() -> scan("ARG B\nFROM $B\n", Map.of(), AMD64)).isInstanceOf(BuildException.class)
                .hasMessageContaining("Dockerfile:2:1");
    }
}
