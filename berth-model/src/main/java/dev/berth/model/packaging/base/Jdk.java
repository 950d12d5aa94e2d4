package dev.berth.model.packaging.base;

import dev.berth.model.ModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A JDK 25 on this host with the tools that make the image's Java runtime: {@code jdeps} to find the modules the server
 * uses, {@code jlink} to link just those. Temurin 25 links from its own run-time image (JEP 493), so no jmods are needed.
 *
 * @param release the JDK's {@code release} file: what built the runtime, and part of its cache key
 */
public record Jdk(Path home, String release) {
    public static final String FEATURE = "25";

    /** The JDK running Berth when it has jlink, else $BERTH_JAVA_HOME, $JAVA_HOME, then the JDKs under /usr/lib/jvm. */
    public static Jdk find() {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of(System.getProperty("java.home")));
        for (String variable : List.of("BERTH_JAVA_HOME", "JAVA_HOME")) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                candidates.add(Path.of(value));
            }
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> list = Files.list(jvms)) {
                list.sorted().forEach(candidates::add);
            } catch (IOException e) {
                // no more candidates
            }
        }
        for (Path home : candidates) {
            if (Files.isExecutable(home.resolve("bin/jlink")) && Files.isExecutable(home.resolve("bin/jdeps"))) {
                String release = readRelease(home);
                if (release != null && FEATURE.equals(feature(release))) {
                    return new Jdk(home, release);
                }
            }
        }
        throw new ModelException("berth model package needs a JDK " + FEATURE + " with jlink to make the image's Java runtime, "
                + "and found none (looked at the running Java, $BERTH_JAVA_HOME, $JAVA_HOME and /usr/lib/jvm); install one "
                + "(for example Temurin " + FEATURE + ") or name a base image with a Java " + FEATURE + " with --base");
    }

    public Path tool(String name) {
        return home.resolve("bin").resolve(name);
    }

    /** JAVA_RUNTIME_VERSION, for example "25.0.3+9-LTS". */
    public String runtimeVersion() {
        return releaseFields(release).getOrDefault("JAVA_RUNTIME_VERSION", releaseFields(release).getOrDefault("JAVA_VERSION", "?"));
    }

    public String implementor() {
        return releaseFields(release).getOrDefault("IMPLEMENTOR", "");
    }

    static String readRelease(Path home) {
        try {
            return Files.readString(home.resolve("release"));
        } catch (IOException e) {
            return null;
        }
    }

    /** The feature release ("25") a {@code release} file names in JAVA_VERSION. */
    public static String feature(String release) {
        String version = releaseFields(release).get("JAVA_VERSION");
        if (version == null) {
            return null;
        }
        int dot = version.indexOf('.');
        return dot < 0 ? version.replaceAll("[^0-9].*", "") : version.substring(0, dot);
    }

    /** KEY="value" lines of a {@code release} file. */
    public static Map<String, String> releaseFields(String release) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : release.lines().toList()) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip().replaceAll("^\"|\"$", ""));
            }
        }
        return fields;
    }
}
