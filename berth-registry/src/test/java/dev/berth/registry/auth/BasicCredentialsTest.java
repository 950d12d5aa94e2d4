package dev.berth.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BasicCredentialsTest {
    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesUserAndPasswordSplitAtTheFirstColon() {
        assertThat(BasicCredentials.parse("Basic " + encode("alice:pa:ss"))).hasValue(new BasicCredentials("alice", "pa:ss"));
        assertThat(BasicCredentials.parse("BASIC " + encode("ünï:cødé"))).hasValue(new BasicCredentials("ünï", "cødé"));
        assertThat(BasicCredentials.parse("Basic " + encode("alice:"))).hasValue(new BasicCredentials("alice", ""));
        assertThat(new BasicCredentials("a", "b").header()).isEqualTo("Basic " + encode("a:b"));
    }

    @Test
    void malformedHeadersAreNoCredentials() {
        assertThat(BasicCredentials.parse(null)).isEmpty();
        assertThat(BasicCredentials.parse("")).isEmpty();
        assertThat(BasicCredentials.parse("Basic")).isEmpty();
        assertThat(BasicCredentials.parse("Bearer " + encode("a:b"))).isEmpty();
        assertThat(BasicCredentials.parse("Basicx " + encode("a:b"))).isEmpty();
        assertThat(BasicCredentials.parse("Basic %%%")).isEmpty();
        assertThat(BasicCredentials.parse("Basic " + encode("nocolon"))).isEmpty();
        assertThat(BasicCredentials.parse("Basic " + encode(":password"))).isEmpty();
    }

    @Test
    void emptyBasicCredentialsAreAnonymous() {
        assertThat(BasicCredentials.anonymous(null)).isTrue();
        assertThat(BasicCredentials.anonymous("Basic " + encode(":"))).isTrue();
        assertThat(BasicCredentials.anonymous("basic  " + encode(":") + " ")).isTrue();
        assertThat(BasicCredentials.anonymous("Basic " + encode("a:"))).isFalse();
        assertThat(BasicCredentials.anonymous("Basic " + encode(":b"))).isFalse();
        assertThat(BasicCredentials.anonymous("Bearer x")).isFalse();
        assertThat(BasicCredentials.anonymous("")).isFalse();
    }

    @Test
    void toStringNeverShowsThePassword() {
        assertThat(new BasicCredentials("alice", "s3cret").toString()).contains("alice").doesNotContain("s3cret");
    }
}
