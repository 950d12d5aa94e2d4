package dev.berth.build.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The same Dockerfile and context built in two different places, with different file times and the modes two
 * different umasks give a checkout, and with SOURCE_DATE_EPOCH set, give one image digest.
 */
class ReproducibleBuildTest {
    private static final String DOCKERFILE = """
            FROM busybox:test AS gen
            RUN mkdir -p /out && echo generated > /out/gen.txt && hostname > /out/host && date +%Y > /out/year-made

            FROM busybox:test AS other
            RUN echo other > /other.txt

            FROM busybox:test
            COPY src /app/src
            COPY run.sh /app/
            COPY --from=gen /out /app/gen
            COPY --from=other /other.txt /app/
            RUN chmod 0750 /app/run.sh && echo done > /app/marker
            WORKDIR /app
            CMD ["./run.sh"]
            """;

    @Test
    void twoBuildsInDifferentPlacesWithDifferentTimesAndUmasksGiveOneDigest() throws Exception {
        try (BuildFixture a = new BuildFixture(); BuildFixture b = new BuildFixture()) {
            context(a, "0644", "0755", Instant.parse("2001-02-03T04:05:06Z"));
            context(b, "0664", "0775", Instant.now());
            BuildRequest request = a.request(DOCKERFILE).withSourceDateEpoch(1_700_000_000L).withTags(List.of("repro:1"));
            BuildFixture.Recorder first = a.build(request);
            Thread.sleep(1100); // a different wall-clock second for the second build
            BuildFixture.Recorder second = b.build(new BuildRequest(b.context, "Dockerfile", DOCKERFILE, null,
                    List.of("repro:1"), request.buildArgs(), null, false, false, request.labels(), true, 1_700_000_000L,
                    java.util.Map.of(), null, java.util.Map.of(), java.util.Map.of()));
            assertThat(a.dir).isNotEqualTo(b.dir);
            assertThat(second.result.manifest().digest()).isEqualTo(first.result.manifest().digest());
            assertThat(a.image("repro:1").config().created()).isEqualTo("2023-11-14T22:13:20Z");
            assertThat(a.run("repro:1", "cat", "/app/gen/host").stdout()).isEqualTo("berth-build\n");

            BuildFixture.Recorder ordinary = a.build(a.request(DOCKERFILE).withTags(List.of("ordinary:1")));
            assertThat(ordinary.result.manifest().digest()).as("without SOURCE_DATE_EPOCH times are the build's")
                    .isNotEqualTo(first.result.manifest().digest());
        }
    }

    private static void context(BuildFixture fx, String fileMode, String dirMode, Instant mtime) throws Exception {
        fx.file("src/a.py", "print('a')\n").file("src/pkg/b.py", "print('b')\n").file("run.sh", "#!/bin/sh\necho run\n");
        try (var walk = Files.walk(fx.context)) {
            for (Path p : walk.toList()) {
                if (Files.isDirectory(p)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms(dirMode)));
                } else {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms(
                            p.getFileName().toString().equals("run.sh") ? dirMode : fileMode)));
                }
                Files.setLastModifiedTime(p, FileTime.from(mtime));
            }
        }
    }

    private static String perms(String octal) {
        int m = Integer.parseInt(octal, 8);
        String rwx = "rwxrwxrwx";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            s.append((m & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        return s.toString();
    }
}
