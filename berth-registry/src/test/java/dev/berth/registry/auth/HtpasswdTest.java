package dev.berth.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.berth.registry.RegistryException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HtpasswdTest {
    private static String hash(BCrypt.Version version, String password) {
        return BCrypt.with(version).hashToString(4, password.toCharArray());
    }

    @Test
    void acceptsAllThreeBcryptVariantsCommentsAndBlankLines() {
        Htpasswd users = Htpasswd.parse(List.of(
                "# users", "", "  alice:" + hash(BCrypt.Version.VERSION_2Y, "a1") + "  ",
                "bob:" + hash(BCrypt.Version.VERSION_2A, "b2"),
                "carol:" + hash(BCrypt.Version.VERSION_2B, "pass:with:colons")), "test");
        assertThat(users.size()).isEqualTo(3);
        assertThat(users.verify("alice", "a1")).isTrue();
        assertThat(users.verify("bob", "b2")).isTrue();
        assertThat(users.verify("carol", "pass:with:colons")).isTrue();
        assertThat(users.verify("alice", "b2")).isFalse();
        assertThat(users.verify("dave", "a1")).isFalse();
        assertThat(users.verify("alice", "")).isFalse();
    }

    @Test
    void verifiesPublishedTestVectors() {
        // crypt_blowfish's test vector for "U*U", written as $2a$ and as htpasswd -B writes it, $2y$
        Htpasswd users = Htpasswd.parse(List.of("a:$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                "y:$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"), "test");
        assertThat(users.verify("a", "U*U")).isTrue();
        assertThat(users.verify("y", "U*U")).isTrue();
        assertThat(users.verify("a", "U*V")).isFalse();
    }

    @Test
    void passwordsBeyond72BytesAreTruncatedAsBcryptDoes() {
        String longPassword = "x".repeat(100);
        Htpasswd users = Htpasswd.parse(List.of("u:" + BCrypt.with(BCrypt.Version.VERSION_2Y,
                at.favre.lib.crypto.bcrypt.LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2Y))
                .hashToString(4, longPassword.toCharArray())), "test");
        assertThat(users.verify("u", longPassword)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/", "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
            "$6$salt$abcdef", "plaintext", "", "$2y$04$tooShort", "$2x$04$abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVWXYZ01234"})
    void otherHashFormatsAreRefusedNamingTheLine(String hash) {
        List<String> lines = List.of("alice:" + hash(BCrypt.Version.VERSION_2Y, "a"), "# comment", "bob:" + hash);
        assertThatThrownBy(() -> Htpasswd.parse(lines, "/etc/registry/htpasswd")).isInstanceOf(RegistryException.class)
                .hasMessageContaining("/etc/registry/htpasswd").hasMessageContaining("line 3").hasMessageContaining("'bob'")
                .hasMessageContaining("bcrypt");
    }

    @Test
    void linesWithoutAUserOrTwiceTheSameUserAreRefused() {
        String hash = hash(BCrypt.Version.VERSION_2Y, "a");
        assertThatThrownBy(() -> Htpasswd.parse(List.of("just-a-name"), "f")).hasMessageContaining("line 1")
                .hasMessageContaining("user:bcrypt-hash");
        assertThatThrownBy(() -> Htpasswd.parse(List.of(":" + hash), "f")).hasMessageContaining("line 1");
        assertThatThrownBy(() -> Htpasswd.parse(List.of("a:" + hash, "", "a:" + hash), "f"))
                .hasMessageContaining("line 3").hasMessageContaining("first on line 1");
    }

    @Test
    void anEmptyFileHasNoUsers() {
        Htpasswd users = Htpasswd.parse(List.of("", "# nobody yet"), "f");
        assertThat(users.size()).isZero();
        assertThat(users.verify("anyone", "anything")).isFalse();
    }
}
