package dev.berth.oci.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.berth.oci.OciException;
import dev.berth.oci.testing.Gen;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Properties of the reference parser over generated references; each seed is one reproducible case. */
class ReferencePropertiesTest {
    static LongStream seeds() {
        return Gen.seeds(1000);
    }

    static LongStream manySeeds() {
        return Gen.seeds(3000);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void parseOfToStringRoundTrips(long seed) {
        Reference ref = parseValid(reference(new Gen(seed)));
        assertThat(Reference.parse(ref.toString())).isEqualTo(ref);
        assertThat(Reference.parse(ref.toString()).toString()).isEqualTo(ref.toString());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void familiarFormReadsBackTheSame(long seed) {
        Reference ref = parseValid(reference(new Gen(seed)));
        assertThat(Reference.parse(ref.familiar())).isEqualTo(Reference.parse(ref.toString()));
        Reference bare = ref.repositoryOnly();
        assertThat(Reference.parse(bare.familiar())).isEqualTo(Reference.parse(bare.toString()));
        assertThat(Reference.parse(bare.name())).isEqualTo(bare.withTag("latest"));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("manySeeds")
    void arbitraryTextThrowsNothingButOciException(long seed) {
        String text = noise(new Gen(seed));
        try {
            Reference ref = Reference.parse(text);
            assertThat(Reference.parse(ref.toString())).isEqualTo(ref);
        } catch (OciException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void mutatedReferencesThrowNothingButOciException(long seed) {
        Gen gen = new Gen(seed);
        String text = reference(gen);
        int at = gen.between(0, text.length());
        char c = gen.oneOf(':', '/', '@', '.', '-', '_', 'A', '[', ']', ' ', '\u00e9', '\0');
        String mutated = text.substring(0, at) + c + text.substring(at);
        try {
            Reference.parse(mutated);
        } catch (OciException expected) {
            assertThat(expected.getMessage()).contains(mutated);
        }
    }

    private static Reference parseValid(String text) {
        try {
            return Reference.parse(text);
        } catch (OciException e) {
            assumeFalse(e.getMessage().contains("characters long"), "generated name exceeds 255 characters");
            throw e;
        }
    }

    private static final String LOWER_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String ALNUM = LOWER_DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    static String reference(Gen gen) {
        String domain = switch (gen.between(0, 2)) {
            case 0 -> "";
            case 1 -> gen.oneOf("docker.io/", "index.docker.io/", "localhost/", "localhost:5000/", "[::1]:5000/",
                    "[2001:db8::1]/", "127.0.0.1:443/", "Registry/");
            default -> String.join(".", gen.list(1, 3, () -> domainComponent(gen))) + "." + domainComponent(gen)
                    + (gen.chance(0.5) ? "" : ":" + gen.between(0, 65535)) + "/";
        };
        String path = String.join("/", gen.list(1, 4, () -> pathComponent(gen)));
        String tag = gen.chance(0.3) ? "" : ":" + gen.string(ALNUM + "_", 1, 1) + gen.string(ALNUM + "_.-", 0, 127);
        String digest = gen.chance(0.6) ? "" : "@sha256:" + gen.string("0123456789abcdef", 64, 64);
        return hubPrefixIfNeeded(domain, path) + path + tag + digest;
    }

    /** A Docker Hub path whose first component contains '.' would be read as a domain; spell out docker.io. */
    private static String hubPrefixIfNeeded(String domain, String path) {
        String first = path.split("/")[0];
        return domain.isEmpty() && path.contains("/") && (first.contains(".") || first.equals("localhost"))
                ? "docker.io/" : domain;
    }

    private static String domainComponent(Gen gen) {
        String a = gen.string(ALNUM, 1, 1);
        return gen.chance(0.5) ? a : a + gen.string(LOWER_DIGITS + "-", 0, 8) + gen.string(ALNUM, 1, 1);
    }

    private static String pathComponent(Gen gen) {
        StringBuilder s = new StringBuilder(gen.string(LOWER_DIGITS, 1, 8));
        int parts = gen.between(0, 3);
        for (int i = 0; i < parts; i++) {
            s.append(gen.chance(0.5) ? gen.oneOf(".", "_", "__") : "-".repeat(gen.between(1, 3)));
            s.append(gen.string(LOWER_DIGITS, 1, 8));
        }
        return s.toString();
    }

    private static String noise(Gen gen) {
        return switch (gen.between(0, 3)) {
            case 0 -> gen.string("abcAB09:/@.-_[]%$ +", 0, 40);
            case 1 -> gen.anyString(40);
            case 2 -> gen.string("0123456789abcdef", 64, 64);
            default -> gen.string("a/:@.", 0, 300);
        };
    }
}
