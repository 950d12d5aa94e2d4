package dev.berth.oci.reference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.OciException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ReferencePropertiesTest {

    @Property(tries = 1000)
    void parseOfToStringRoundTrips(@ForAll("references") String text) {
        Reference ref = parseValid(text);
        assertThat(Reference.parse(ref.toString())).isEqualTo(ref);
        assertThat(Reference.parse(ref.toString()).toString()).isEqualTo(ref.toString());
    }

    @Property(tries = 1000)
    void familiarFormReadsBackTheSame(@ForAll("references") String text) {
        Reference ref = parseValid(text);
        assertThat(Reference.parse(ref.familiar())).isEqualTo(Reference.parse(ref.toString()));
        Reference bare = ref.repositoryOnly();
        assertThat(Reference.parse(bare.familiar())).isEqualTo(Reference.parse(bare.toString()));
        assertThat(Reference.parse(bare.name())).isEqualTo(bare.withTag("latest"));
    }

    @Property(tries = 3000)
    void arbitraryTextThrowsNothingButOciException(@ForAll("noise") String text) {
        try {
            Reference ref = Reference.parse(text);
            assertThat(Reference.parse(ref.toString())).isEqualTo(ref);
        } catch (OciException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 1000)
    void mutatedReferencesThrowNothingButOciException(@ForAll("references") String text,
            @ForAll("positions") int position, @ForAll("noiseChar") char c) {
        int at = position % (text.length() + 1);
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
            Assume.that(!e.getMessage().contains("characters long")); // generated name may exceed 255
            throw e;
        }
    }

    @Provide
    Arbitrary<String> references() {
        Arbitrary<String> domain = Arbitraries.oneOf(
                Arbitraries.just(""),
                Arbitraries.of("docker.io/", "index.docker.io/", "localhost/", "localhost:5000/", "[::1]:5000/",
                        "[2001:db8::1]/", "127.0.0.1:443/", "Registry/"),
                Combinators.combine(domainComponent().list().ofMinSize(1).ofMaxSize(3), domainComponent(),
                                Arbitraries.integers().between(0, 65535).injectNull(0.5))
                        .as((first, tld, port) -> String.join(".", first) + "." + tld
                                + (port == null ? "" : ":" + port) + "/"));
        Arbitrary<String> path = pathComponent().list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l));
        Arbitrary<String> tag = Combinators.combine(
                        Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
                                .withChars('_').ofLength(1),
                        Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
                                .withChars('_', '.', '-').ofMaxLength(127))
                .as((a, b) -> ":" + a + b).injectNull(0.3);
        Arbitrary<String> digest = Arbitraries.strings().withChars("0123456789abcdef").ofLength(64)
                .map(h -> "@sha256:" + h).injectNull(0.6);
        return Combinators.combine(domain, path, tag, digest)
                .as((d, p, t, g) -> hubPrefixIfNeeded(d, p) + p + (t == null ? "" : t) + (g == null ? "" : g));
    }

    /** A Docker Hub path whose first component contains '.' would be read as a domain; spell out docker.io. */
    private static String hubPrefixIfNeeded(String domain, String path) {
        String first = path.split("/")[0];
        return domain.isEmpty() && path.contains("/") && (first.contains(".") || first.equals("localhost"))
                ? "docker.io/" : domain;
    }

    private static Arbitrary<String> domainComponent() {
        Arbitrary<String> alnum = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .withCharRange('0', '9').ofLength(1);
        Arbitrary<String> middle = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
                .withChars('-').ofMaxLength(8);
        return Arbitraries.oneOf(alnum, Combinators.combine(alnum, middle, alnum).as((a, m, b) -> a + m + b));
    }

    private static Arbitrary<String> pathComponent() {
        Arbitrary<String> alnum = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
                .ofMinLength(1).ofMaxLength(8);
        Arbitrary<String> separator = Arbitraries.oneOf(Arbitraries.of(".", "_", "__"),
                Arbitraries.strings().withChars('-').ofMinLength(1).ofMaxLength(3));
        Arbitrary<String> tail = Combinators.combine(separator, alnum).as(String::concat).list().ofMaxSize(3)
                .map(l -> String.join("", l));
        return Combinators.combine(alnum, tail).as(String::concat);
    }

    @Provide
    Arbitrary<String> noise() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcAB09:/@.-_[]%$ +").ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().withChars("0123456789abcdef").ofLength(64),
                Arbitraries.strings().withChars("a/:@.").ofMaxLength(300));
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, 1000);
    }

    @Provide
    Arbitrary<Character> noiseChar() {
        return Arbitraries.chars().with(':', '/', '@', '.', '-', '_', 'A', '[', ']', ' ', '\u00e9', '\0');
    }
}
