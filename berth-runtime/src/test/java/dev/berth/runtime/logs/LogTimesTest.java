package dev.berth.runtime.logs;

import dev.berth.runtime.ContainerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogTimesTest {
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Instant parse(String value) {
        return LogTimes.parse(value, NOW, BERLIN);
    }

    @Test
    void rfc3339Timestamps() {
        assertThat(parse("2026-04-30T08:15:00Z")).isEqualTo(Instant.parse("2026-04-30T08:15:00Z"));
        assertThat(parse("2026-04-30T08:15:00.123456789Z")).isEqualTo(Instant.parse("2026-04-30T08:15:00.123456789Z"));
        assertThat(parse("2026-04-30T08:15:00.5+02:00")).isEqualTo(Instant.parse("2026-04-30T06:15:00.5Z"));
        assertThat(parse("2026-04-30T08:15:00-05:30")).isEqualTo(Instant.parse("2026-04-30T13:45:00Z"));
        assertThat(parse("2026-04-30t08:15:00z")).isEqualTo(Instant.parse("2026-04-30T08:15:00Z"));
    }

    @Test
    void withoutAZoneItIsLocalTime() {
        // Berlin is UTC+2 in summer
        assertThat(parse("2026-04-30T08:15:00")).isEqualTo(Instant.parse("2026-04-30T06:15:00Z"));
        assertThat(parse("2026-04-30T08:15")).isEqualTo(Instant.parse("2026-04-30T06:15:00Z"));
        assertThat(parse("2026-04-30")).isEqualTo(Instant.parse("2026-04-29T22:00:00Z"));
        assertThat(parse("2026-04-30Z")).isEqualTo(Instant.parse("2026-04-30T00:00:00Z"));
    }

    @Test
    void unixTimestamps() {
        assertThat(parse("1714564800")).isEqualTo(Instant.ofEpochSecond(1714564800));
        assertThat(parse("1714564800.5")).isEqualTo(Instant.ofEpochSecond(1714564800, 500_000_000));
        assertThat(parse("1714564800.000000001")).isEqualTo(Instant.ofEpochSecond(1714564800, 1));
        assertThat(parse("0")).isEqualTo(Instant.EPOCH);
        assertThat(parse("10")).as("a bare number is a Unix timestamp, not a duration").isEqualTo(
                Instant.ofEpochSecond(10));
    }

    @Test
    void durationsCountBackFromNow() {
        assertThat(parse("10m")).isEqualTo(NOW.minus(Duration.ofMinutes(10)));
        assertThat(parse("1h30m")).isEqualTo(NOW.minus(Duration.ofMinutes(90)));
        assertThat(parse("1.5h")).isEqualTo(NOW.minus(Duration.ofMinutes(90)));
        assertThat(parse("2h45m30.5s")).isEqualTo(NOW.minus(Duration.ofSeconds(2 * 3600 + 45 * 60 + 30, 500_000_000)));
        assertThat(parse("250ms")).isEqualTo(NOW.minusMillis(250));
        assertThat(parse("3us")).isEqualTo(NOW.minusNanos(3000));
        assertThat(parse("7ns")).isEqualTo(NOW.minusNanos(7));
        assertThat(parse("-5m")).as("a negative duration is in the future").isEqualTo(NOW.plusSeconds(300));
        assertThat(parse(" 10m ")).isEqualTo(NOW.minus(Duration.ofMinutes(10)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "10x", "1h30", "m", "2026-4-30", "2026-04-30T8:15", "12:00",
        "2026-04-30T08:15:00+2", "1.2.3", "--5m"})
    void badValuesAreRefusedWithTheAcceptedForms(String value) {
        assertThatThrownBy(() -> parse(value))
                .isInstanceOf(ContainerException.class)
                .hasMessageContaining("invalid time \"" + value.strip() + "\"")
                .hasMessageContaining("RFC 3339")
                .hasMessageContaining("10m");
    }

    @Test
    void impossibleDatesSayWhy() {
        assertThatThrownBy(() -> parse("2026-13-40T00:00:00Z"))
                .isInstanceOf(ContainerException.class)
                .hasMessageContaining("invalid time \"2026-13-40T00:00:00Z\"")
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> parse("")).isInstanceOf(ContainerException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> parse("99999999999999999999h")).isInstanceOf(ContainerException.class)
                .hasMessageContaining("out of range");
    }
}
