package dev.berth.oci.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReferenceTest {
    static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String SHA = "sha256:" + HEX;

    static Stream<Arguments> valid() {
        return Stream.of(
                // input, normalized, familiar
                Arguments.of("busybox", "docker.io/library/busybox:latest", "busybox:latest"),
                Arguments.of("busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36"),
                Arguments.of("library/busybox", "docker.io/library/busybox:latest", "busybox:latest"),
                Arguments.of("docker.io/busybox", "docker.io/library/busybox:latest", "busybox:latest"),
                Arguments.of("docker.io/library/busybox", "docker.io/library/busybox:latest", "busybox:latest"),
                Arguments.of("index.docker.io/busybox", "docker.io/library/busybox:latest", "busybox:latest"),
                Arguments.of("index.docker.io/team/app:v1", "docker.io/team/app:v1", "team/app:v1"),
                Arguments.of("team/model:1.2", "docker.io/team/model:1.2", "team/model:1.2"),
                Arguments.of("team/sub/model", "docker.io/team/sub/model:latest", "team/sub/model:latest"),
                Arguments.of("library/a/b", "docker.io/library/a/b:latest", "library/a/b:latest"),
                Arguments.of("localhost/model", "localhost/model:latest", "localhost/model:latest"),
                Arguments.of("localhost:5000/team/model:1.2", "localhost:5000/team/model:1.2",
                        "localhost:5000/team/model:1.2"),
                Arguments.of("localhost", "docker.io/library/localhost:latest", "localhost:latest"),
                Arguments.of("localhost:5000", "docker.io/library/localhost:5000", "localhost:5000"),
                Arguments.of("test.com:5000", "docker.io/library/test.com:5000", "test.com:5000"),
                Arguments.of("test.com:tag", "docker.io/library/test.com:tag", "test.com:tag"),
                Arguments.of("test_com", "docker.io/library/test_com:latest", "test_com:latest"),
                Arguments.of("foo_bar.com:8080", "docker.io/library/foo_bar.com:8080", "foo_bar.com:8080"),
                Arguments.of("foo/foo_bar.com:8080", "docker.io/foo/foo_bar.com:8080", "foo/foo_bar.com:8080"),
                Arguments.of("test:5000/repo", "test:5000/repo:latest", "test:5000/repo:latest"),
                Arguments.of("test.com/repo:tag", "test.com/repo:tag", "test.com/repo:tag"),
                Arguments.of("sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com/bar/baz/quux:latest",
                        "sub-dom1.foo.com/bar/baz/quux:latest"),
                Arguments.of("b.gcr.io/test.example.com/my-app:test.example.com",
                        "b.gcr.io/test.example.com/my-app:test.example.com",
                        "b.gcr.io/test.example.com/my-app:test.example.com"),
                Arguments.of("xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com/myimage:xn--n3h.com",
                        "xn--n3h.com/myimage:xn--n3h.com"),
                Arguments.of("192.168.1.1:5000/x", "192.168.1.1:5000/x:latest", "192.168.1.1:5000/x:latest"),
                Arguments.of("Example.COM/x", "Example.COM/x:latest", "Example.COM/x:latest"),
                Arguments.of("Uppercase/lowercase", "Uppercase/lowercase:latest", "Uppercase/lowercase:latest"),
                Arguments.of("[::1]/repo", "[::1]/repo:latest", "[::1]/repo:latest"),
                Arguments.of("[::1]:5000/x", "[::1]:5000/x:latest", "[::1]:5000/x:latest"),
                Arguments.of("[2001:db8::1]:5000/repo:t", "[2001:db8::1]:5000/repo:t", "[2001:db8::1]:5000/repo:t"),
                Arguments.of("[2001:DB8::]/repo", "[2001:DB8::]/repo:latest", "[2001:DB8::]/repo:latest"),
                Arguments.of("busybox:1/2", "busybox:1/2:latest", "busybox:1/2:latest"),
                Arguments.of("a-b.c--d.E9/x", "a-b.c--d.E9/x:latest", "a-b.c--d.E9/x:latest"),
                Arguments.of("a/b.c_d__e-f---g", "docker.io/a/b.c_d__e-f---g:latest", "a/b.c_d__e-f---g:latest"),
                Arguments.of("lowercase:Uppercase", "docker.io/library/lowercase:Uppercase", "lowercase:Uppercase"),
                Arguments.of("x:_a.b-C", "docker.io/library/x:_a.b-C", "x:_a.b-C"),
                Arguments.of("x:" + "t".repeat(128), "docker.io/library/x:" + "t".repeat(128), "x:" + "t".repeat(128)),
                Arguments.of("busybox@" + SHA, "docker.io/library/busybox@" + SHA, "busybox@" + SHA),
                Arguments.of("busybox:1@" + SHA, "docker.io/library/busybox:1@" + SHA, "busybox:1@" + SHA),
                Arguments.of("localhost:5000/a@" + SHA, "localhost:5000/a@" + SHA, "localhost:5000/a@" + SHA),
                Arguments.of("x@sha512:" + HEX + HEX, "docker.io/library/x@sha512:" + HEX + HEX,
                        "x@sha512:" + HEX + HEX),
                Arguments.of(HEX + ":tag", "docker.io/library/" + HEX + ":tag", HEX + ":tag"),
                Arguments.of("example.com/" + HEX, "example.com/" + HEX + ":latest", "example.com/" + HEX + ":latest"),
                Arguments.of("docker.io/foo.bar/x", "docker.io/foo.bar/x:latest", "docker.io/foo.bar/x:latest"),
                Arguments.of("docker.io/localhost/x", "docker.io/localhost/x:latest", "docker.io/localhost/x:latest"),
                Arguments.of("a".repeat(237), "docker.io/library/" + "a".repeat(237) + ":latest",
                        "a".repeat(237) + ":latest"),
                Arguments.of("a.io/" + "b".repeat(250), "a.io/" + "b".repeat(250) + ":latest",
                        "a.io/" + "b".repeat(250) + ":latest"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("valid")
    void parsesValidReferences(String input, String normalized, String familiar) {
        Reference ref = Reference.parse(input);
        assertThat(ref.toString()).isEqualTo(normalized);
        assertThat(ref.familiar()).isEqualTo(familiar);
        assertThat(Reference.parse(normalized)).isEqualTo(ref);
        assertThat(Reference.parse(familiar)).isEqualTo(ref);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("", "image reference is empty"),
                Arguments.of(":tag", "repository name is empty"),
                Arguments.of("@" + SHA, "repository name is empty"),
                Arguments.of("localhost/", "repository name is empty"),
                Arguments.of("docker.io/", "repository name is empty"),
                Arguments.of("example.com/:tag", "repository name is empty"),
                Arguments.of("/busybox", "must not start with '/'"),
                Arguments.of("Busybox", "repository name must be lowercase: 'Busybox'"),
                Arguments.of("Busybox:Tag", "repository name must be lowercase: 'Busybox'"),
                Arguments.of("docker.io/Library/x", "repository name must be lowercase: 'Library/x'"),
                Arguments.of("test:5000/Uppercase/lowercase:tag",
                        "repository name must be lowercase: 'Uppercase/lowercase'"),
                Arguments.of("FOO_BAR/x", "repository name must be lowercase: 'FOO_BAR/x'"),
                Arguments.of("busybox!", "invalid character '!'"),
                Arguments.of("aa/asdf$$^/aa", "invalid character '$'"),
                Arguments.of("bu sybox", "invalid character U+0020"),
                Arguments.of("a//b", "empty path component"),
                Arguments.of("a/b/", "empty path component"),
                Arguments.of("-busybox", "path component '-busybox' must start and end with a lowercase letter or digit"),
                Arguments.of("busybox_", "path component 'busybox_' must start and end"),
                Arguments.of("a/.b", "path component '.b' must start and end"),
                Arguments.of("a..b", "invalid separator '..'"),
                Arguments.of("a___b", "invalid separator '___'"),
                Arguments.of("a._b", "invalid separator '._'"),
                Arguments.of("a-.b", "invalid separator '-.'"),
                Arguments.of("busybox:", "tag is empty"),
                Arguments.of("busybox:" + "t".repeat(129), "tag is 129 characters long; the limit is 128"),
                Arguments.of("busybox:.x", "invalid tag '.x': must start with a letter, digit or '_'"),
                Arguments.of("busybox:-x", "invalid tag '-x'"),
                Arguments.of("busybox:a+b", "invalid tag 'a+b': invalid character '+'"),
                Arguments.of("busybox:a:b", "invalid tag 'a:b': invalid character ':'"),
                Arguments.of("busybox:a/b", "invalid domain 'busybox:a': port 'a' is not a number"),
                Arguments.of("busybox@", "digest is empty"),
                Arguments.of("busybox@sha256", "expected ALGORITHM:HEX"),
                Arguments.of("busybox@sha256:abc", "invalid sha256 digest 'abc'"),
                Arguments.of("busybox@sha256:" + HEX.toUpperCase(), "lower-case hex"),
                Arguments.of("busybox@sha256:" + HEX.replace('a', 'g'), "lower-case hex"),
                Arguments.of("busybox@sha256:" + HEX + "00", "expected 64"),
                Arguments.of("busybox@md5:" + HEX, "unsupported digest algorithm 'md5'"),
                Arguments.of("busybox@sha-:" + HEX, "bad algorithm name 'sha-'"),
                Arguments.of("busybox@" + SHA + "@" + SHA, "invalid sha256 digest"),
                Arguments.of(HEX, "cannot specify 64-byte hexadecimal strings"),
                Arguments.of("a".repeat(238), "is 256 characters long (domain/path); the limit is 255"),
                Arguments.of("a.io/" + "b".repeat(251), "is 256 characters long"),
                Arguments.of("host:abc/x", "invalid domain 'host:abc': port 'abc' is not a number"),
                Arguments.of("host:/x", "invalid domain 'host:': port is empty"),
                Arguments.of(":5000/x", "invalid domain ':5000': host name is empty"),
                Arguments.of("2001:db8::1/repo", "port 'db8::1' is not a number"),
                Arguments.of("a..com/x", "host name has an empty component"),
                Arguments.of(".com/x", "host name has an empty component"),
                Arguments.of("-a.com/x", "host name component '-a' must not start or end with '-'"),
                Arguments.of("a_b.c/d", "invalid domain 'a_b.c': invalid character '_'"),
                Arguments.of("[::1/x", "lacks its closing ']'"),
                Arguments.of("[]:5000/x", "IPv6 address is empty"),
                Arguments.of("[]/x", "invalid repository name '[]/x': invalid character '['"),
                Arguments.of("[fe80::1%eth0]:5000/repo", "invalid character '%' in IPv6 address"),
                Arguments.of("[::1]x/repo", "unexpected 'x' after the IPv6 address"),
                Arguments.of("[::1]:/repo", "port is empty"),
                Arguments.of("[2001:db8::1]", "invalid character '['"),
                Arguments.of("busybox@sha256:" + HEX + "/x", "invalid domain"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalid")
    void rejectsInvalidReferencesNamingTheFault(String input, String fragment) {
        assertThatThrownBy(() -> Reference.parse(input))
                .isInstanceOf(OciException.class)
                .hasMessageContaining(fragment);
    }

    @Test
    void errorsQuoteTheInput() {
        assertThatThrownBy(() -> Reference.parse("Busybox"))
                .hasMessage("invalid image reference 'Busybox': repository name must be lowercase: 'Busybox'");
    }

    @Test
    void nullIsAnOciException() {
        assertThatThrownBy(() -> Reference.parse(null)).isInstanceOf(OciException.class);
    }

    @Test
    void components() {
        Reference ref = Reference.parse("localhost:5000/team/model:1.2@" + SHA);
        assertThat(ref.domain()).isEqualTo("localhost:5000");
        assertThat(ref.path()).isEqualTo("team/model");
        assertThat(ref.tag()).isEqualTo("1.2");
        assertThat(ref.digest()).isEqualTo(Digest.parse(SHA));
        assertThat(ref.hasTag()).isTrue();
        assertThat(ref.hasDigest()).isTrue();
        assertThat(ref.repository()).isEqualTo("localhost:5000/team/model");
        assertThat(ref.name()).isEqualTo("localhost:5000/team/model");

        Reference hub = Reference.parse("busybox");
        assertThat(hub.domain()).isEqualTo("docker.io");
        assertThat(hub.path()).isEqualTo("library/busybox");
        assertThat(hub.tag()).isEqualTo("latest");
        assertThat(hub.digest()).isNull();
        assertThat(hub.repository()).isEqualTo("docker.io/library/busybox");
        assertThat(hub.name()).isEqualTo("busybox");
        assertThat(Reference.parse("team/model").name()).isEqualTo("team/model");
    }

    @Test
    void digestOnlyHasNoDefaultTag() {
        Reference ref = Reference.parse("busybox@" + SHA);
        assertThat(ref.hasTag()).isFalse();
        assertThat(ref.tag()).isNull();
        assertThat(ref.hasDigest()).isTrue();
    }

    @Test
    void withers() {
        Reference ref = Reference.parse("team/model:1.2");
        assertThat(ref.withTag("2.0").toString()).isEqualTo("docker.io/team/model:2.0");
        assertThat(ref.withDigest(Digest.parse(SHA)).toString()).isEqualTo("docker.io/team/model:1.2@" + SHA);
        assertThat(ref.withDigest(Digest.parse(SHA)).repositoryOnly().toString()).isEqualTo("docker.io/team/model");
        assertThat(ref.repositoryOnly().hasTag()).isFalse();
        assertThat(ref.repositoryOnly().familiar()).isEqualTo("team/model");
        assertThatThrownBy(() -> ref.withTag("bad tag")).isInstanceOf(OciException.class)
                .hasMessageContaining("invalid tag 'bad tag'");
        assertThatThrownBy(() -> ref.withTag("")).isInstanceOf(OciException.class).hasMessageContaining("tag is empty");
        assertThatThrownBy(() -> ref.withTag(null)).isInstanceOf(OciException.class);
        assertThatThrownBy(() -> ref.withDigest(null)).isInstanceOf(OciException.class);
    }

    @Test
    void constructorNormalizesAndValidates() {
        assertThat(new Reference("index.docker.io", "busybox", "1", null).toString())
                .isEqualTo("docker.io/library/busybox:1");
        assertThat(new Reference("docker.io", "library/busybox", null, null).familiar()).isEqualTo("busybox");
        assertThatThrownBy(() -> new Reference("myhost", "x", null, null))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("'myhost' would be read as a Docker Hub namespace");
        assertThatThrownBy(() -> new Reference("docker.io", "Busybox", null, null))
                .hasMessageContaining("repository name must be lowercase: 'Busybox'");
        assertThatThrownBy(() -> new Reference("a_b.com", "x", null, null))
                .hasMessageContaining("invalid character '_'");
        assertThatThrownBy(() -> new Reference("", "x", null, null)).hasMessageContaining("domain is empty");
        assertThatThrownBy(() -> new Reference(null, "x", null, null)).isInstanceOf(OciException.class);
    }

    @Test
    void familiarFallsBackToFullFormWhenTheShortFormIsAmbiguous() {
        Reference idLike = new Reference("docker.io", "library/" + HEX, null, null);
        assertThat(idLike.familiar()).isEqualTo("docker.io/library/" + HEX);
        assertThat(idLike.withTag("x").familiar()).isEqualTo(HEX + ":x");
    }
}
