package dev.berth.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.berth.registry.RegistryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtpasswdAuthenticatorTest {
    @TempDir
    Path tmp;

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }
    }

    private static String line(String user, String password) {
        return user + ":" + BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, password.toCharArray()) + "\n";
    }

    private static String basic(String user, String password) {
        return new BasicCredentials(user, password).header();
    }

    /** Writes the file with a distinct modification time, as a later edit would have. */
    private static void write(Path file, String text, int second) throws Exception {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(second)));
    }

    @Test
    void rereadsTheFileWhenItChanges() throws Exception {
        Path file = tmp.resolve("htpasswd");
        write(file, line("alice", "one"), 0);
        TestClock clock = new TestClock();
        HtpasswdAuthenticator auth = new HtpasswdAuthenticator(file, clock);
        assertThat(auth.authenticate(basic("alice", "one"))).hasValue("alice");
        assertThat(auth.authenticate(basic("bob", "two"))).isEmpty();

        write(file, line("bob", "two"), 10);
        clock.advance(Duration.ofSeconds(2));
        assertThat(auth.authenticate(basic("bob", "two"))).hasValue("bob");
        // alice is gone, even though her success was remembered a moment ago
        assertThat(auth.authenticate(basic("alice", "one"))).isEmpty();
    }

    @Test
    void aBrokenEditKeepsTheUsersReadBefore() throws Exception {
        Path file = tmp.resolve("htpasswd");
        write(file, line("alice", "one"), 0);
        TestClock clock = new TestClock();
        HtpasswdAuthenticator auth = new HtpasswdAuthenticator(file, clock);
        write(file, line("alice", "one") + "bob:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n", 10);
        clock.advance(Duration.ofSeconds(2));
        assertThat(auth.authenticate(basic("alice", "one"))).hasValue("alice");
        assertThat(auth.authenticate(basic("bob", "x"))).isEmpty();
    }

    @Test
    void successIsRememberedBrieflyByTheHeaderHash() throws Exception {
        Path file = tmp.resolve("htpasswd");
        write(file, line("alice", "one"), 0);
        TestClock clock = new TestClock();
        HtpasswdAuthenticator auth = new HtpasswdAuthenticator(file, clock);
        String header = basic("alice", "one");
        assertThat(auth.authenticate(header)).hasValue("alice");

        // remembered: even a bcrypt verification of 1 ms x 1000 would show; time it loosely
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            assertThat(auth.authenticate(header)).hasValue("alice");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        // a different header for the same user is verified on its own
        assertThat(auth.authenticate(basic("alice", "two"))).isEmpty();
        // the memory expires, then the header is verified again (still right)
        clock.advance(HtpasswdAuthenticator.CACHE_TTL.plusSeconds(1));
        assertThat(auth.authenticate(header)).hasValue("alice");
    }

    @Test
    void anInvalidFileFailsAtConstruction() throws Exception {
        Path file = Files.writeString(tmp.resolve("htpasswd"), "alice:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\n");
        assertThatThrownBy(() -> new HtpasswdAuthenticator(file)).isInstanceOf(RegistryException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("line 1");
    }
}
