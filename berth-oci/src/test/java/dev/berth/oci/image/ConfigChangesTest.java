package dev.berth.oci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.berth.oci.OciException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ConfigChangesTest {
    private static ContainerConfig apply(String... changes) {
        return ConfigChanges.apply(ContainerConfig.EMPTY, List.of(changes));
    }

    private static ContainerConfig apply(ContainerConfig base, String... changes) {
        return ConfigChanges.apply(base, List.of(changes));
    }

    @Test
    void noChangesLeaveTheConfigAlone() {
        ContainerConfig base = ContainerConfig.EMPTY.withUser("app").withCmd(List.of("x"));
        assertThat(ConfigChanges.apply(base, List.of())).isEqualTo(base);
        assertThat(apply(base, "", "   ", "# a comment")).isEqualTo(base);
        assertThat(ConfigChanges.apply(null, List.of("USER u")).user()).isEqualTo("u");
    }

    @Test
    void cmdExecAndShellForm() {
        assertThat(apply("CMD [\"nginx\", \"-g\", \"daemon off;\"]").cmd()).containsExactly("nginx", "-g", "daemon off;");
        assertThat(apply("CMD echo $HOME  && ls ").cmd()).containsExactly("/bin/sh", "-c", "echo $HOME  && ls");
        assertThat(apply("cmd []").cmd()).isEmpty();
    }

    @Test
    void shellFormUsesTheConfigsShell() {
        ContainerConfig base = ContainerConfig.EMPTY.withShell(List.of("/bin/bash", "-lc"));
        assertThat(apply(base, "CMD make test").cmd()).containsExactly("/bin/bash", "-lc", "make test");
        assertThat(apply(base, "ENTRYPOINT run.sh").entrypoint()).containsExactly("/bin/bash", "-lc", "run.sh");
    }

    @Test
    void malformedJsonArrayFallsBackToShellForm() {
        assertThat(apply("CMD [\"a\", ").cmd()).containsExactly("/bin/sh", "-c", "[\"a\",");
        assertThat(apply("CMD ['a']").cmd()).containsExactly("/bin/sh", "-c", "['a']");
        assertThat(apply("CMD [1, 2]").cmd()).containsExactly("/bin/sh", "-c", "[1, 2]");
        assertThat(apply("CMD [\"a\"] extra").cmd()).containsExactly("/bin/sh", "-c", "[\"a\"] extra");
        assertThat(apply("ENTRYPOINT [ -f x ]").entrypoint()).containsExactly("/bin/sh", "-c", "[ -f x ]");
    }

    @Test
    void entrypointClearsInheritedCmdUnlessCmdWasSetBefore() {
        ContainerConfig base = ContainerConfig.EMPTY.withCmd(List.of("old"));
        ContainerConfig only = apply(base, "ENTRYPOINT [\"/app\"]");
        assertThat(only.entrypoint()).containsExactly("/app");
        assertThat(only.cmd()).isNull();

        ContainerConfig both = apply(base, "CMD [\"--help\"]", "ENTRYPOINT [\"/app\"]");
        assertThat(both.entrypoint()).containsExactly("/app");
        assertThat(both.cmd()).containsExactly("--help");

        ContainerConfig after = apply(base, "ENTRYPOINT [\"/app\"]", "CMD [\"-v\"]");
        assertThat(after.cmd()).containsExactly("-v");
    }

    @Test
    void cmdAndEntrypointClearArgsEscaped() {
        ContainerConfig base = new ContainerConfig(null, null, null, null, null, null, null, null, null, true, null,
                null, null);
        assertThat(apply(base, "CMD x").argsEscaped()).isNull();
    }

    @Test
    void envPairsAndLegacyForm() {
        ContainerConfig c = apply(ContainerConfig.EMPTY.withEnv(List.of("PATH=/usr/bin", "K=old")),
                "ENV K=new K2=\"v 2\" K3=a\\ b K4='$x' EMPTY=");
        assertThat(c.env()).containsExactly("PATH=/usr/bin", "K=new", "K2=v 2", "K3=a b", "K4=$x", "EMPTY=");

        assertThat(apply("ENV GREETING hello   big world").env()).containsExactly("GREETING=hello   big world");
        assertThat(apply("env A 1", "ENV A 2").env()).containsExactly("A=2");
    }

    @Test
    void envExpandsAgainstThePreviousEnvironment() {
        ContainerConfig base = ContainerConfig.EMPTY.withEnv(List.of("PATH=/usr/bin", "abc=hello"));
        ContainerConfig c = apply(base, "ENV PATH=$PATH:/opt/bin abc=bye def=$abc ghi=${abc}!",
                "ENV unset=${nope:-fallback} alt=${abc:+set} empty=${nope:+x} lit=\\$abc dq=\"$abc \\\"q\\\"\"");
        assertThat(c.env()).containsExactly("PATH=/usr/bin:/opt/bin", "abc=bye", "def=hello", "ghi=hello!",
                "unset=fallback", "alt=set", "empty=", "lit=$abc", "dq=bye \"q\"");
    }

    @Test
    void expose() {
        ContainerConfig c = apply("EXPOSE 80 443/tcp 53/udp 8000-8002 9/SCTP");
        assertThat(c.exposedPorts()).containsOnlyKeys("80/tcp", "443/tcp", "53/udp", "8000/tcp", "8001/tcp",
                "8002/tcp", "9/sctp");
        assertThat(apply(ContainerConfig.EMPTY.withExposedPorts(Map.of("22/tcp", Map.of())), "EXPOSE 80")
                .exposedPorts()).containsOnlyKeys("22/tcp", "80/tcp");
        assertThat(apply(ContainerConfig.EMPTY.withEnv(List.of("PORT=8080")), "EXPOSE $PORT").exposedPorts())
                .containsOnlyKeys("8080/tcp");
    }

    @Test
    void labels() {
        ContainerConfig c = apply(ContainerConfig.EMPTY.withLabels(Map.of("a", "old", "keep", "1")),
                "LABEL a=new \"com.example.desc\"=\"two words\" version=1.0", "label legacy value here");
        assertThat(c.labels()).containsExactly(entry("a", "new"), entry("com.example.desc", "two words"),
                entry("keep", "1"), entry("legacy", "value here"), entry("version", "1.0"));
    }

    @Test
    void user() {
        assertThat(apply("USER 1000:1000").user()).isEqualTo("1000:1000");
        assertThat(apply(ContainerConfig.EMPTY.withEnv(List.of("U=app")), "user $U").user()).isEqualTo("app");
    }

    @Test
    void volumes() {
        assertThat(apply("VOLUME [\"/data\", \"/var/log\"]").volumes()).containsOnlyKeys("/data", "/var/log");
        assertThat(apply("VOLUME /a /b").volumes()).containsOnlyKeys("/a", "/b");
        assertThat(apply(ContainerConfig.EMPTY.withVolumes(Map.of("/x", Map.of())), "VOLUME /y").volumes())
                .containsOnlyKeys("/x", "/y");
        assertThat(apply("VOLUME [/not json]").volumes()).containsOnlyKeys("[/not", "json]");
    }

    @Test
    void workdirIsRelativeToThePreviousOne() {
        assertThat(apply("WORKDIR /app").workingDir()).isEqualTo("/app");
        assertThat(apply("WORKDIR /a", "WORKDIR b", "WORKDIR ../c/./d").workingDir()).isEqualTo("/a/c/d");
        assertThat(apply("WORKDIR rel").workingDir()).isEqualTo("/rel");
        assertThat(apply(ContainerConfig.EMPTY.withWorkingDir("/srv"), "workdir app").workingDir())
                .isEqualTo("/srv/app");
        assertThat(apply(ContainerConfig.EMPTY.withEnv(List.of("D=/opt")), "WORKDIR $D/x").workingDir())
                .isEqualTo("/opt/x");
    }

    @ParameterizedTest
    @CsvSource({"SIGTERM", "sigkill", "TERM", "9", "255", "SIGRTMIN+3", "RTMAX-1", "SIGUSR1"})
    void stopSignal(String signal) {
        assertThat(apply("STOPSIGNAL " + signal).stopSignal()).isEqualTo(signal);
    }

    @Test
    void onBuild() {
        ContainerConfig c = apply("ONBUILD RUN make", "onbuild COPY . /src");
        assertThat(c.onBuild()).containsExactly("RUN make", "COPY . /src");
    }

    @Test
    void healthcheck() {
        assertThat(apply("HEALTHCHECK NONE").healthcheck().test()).containsExactly("NONE");
        ContainerConfig.HealthConfig h = apply(
                "HEALTHCHECK --interval=30s --timeout=1m30s --start-period=1.5s --start-interval=500ms --retries=3"
                        + " CMD curl -f http://localhost/ || exit 1").healthcheck();
        assertThat(h.test()).containsExactly("CMD-SHELL", "curl -f http://localhost/ || exit 1");
        assertThat(h.interval()).isEqualTo(30_000_000_000L);
        assertThat(h.timeout()).isEqualTo(90_000_000_000L);
        assertThat(h.startPeriod()).isEqualTo(1_500_000_000L);
        assertThat(h.startInterval()).isEqualTo(500_000_000L);
        assertThat(h.retries()).isEqualTo(3);
        assertThat(apply("healthcheck cmd [\"/bin/check\", \"-q\"]").healthcheck().test())
                .containsExactly("CMD", "/bin/check", "-q");
    }

    @Test
    void multiLineChangeIsSeveralInstructions() {
        ContainerConfig c = apply("USER a\nWORKDIR /w\n\n# note");
        assertThat(c.user()).isEqualTo("a");
        assertThat(c.workingDir()).isEqualTo("/w");
    }

    @Test
    void baseIsNotModified() {
        ContainerConfig base = ContainerConfig.EMPTY.withEnv(List.of("A=1"));
        apply(base, "ENV A=2", "LABEL x=y");
        assertThat(base.env()).containsExactly("A=1");
        assertThat(base.labels()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "RUN x | --change 'RUN x': RUN is not allowed here; allowed: CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR",
            "copy a b | --change 'copy a b': COPY is not allowed here",
            "FROM scratch | FROM is not allowed here",
            "ADD x /x | ADD is not allowed here",
            "SHELL [\"/bin/bash\"] | SHELL is not allowed here",
            "ARG x | ARG is not allowed here",
            "MAINTAINER me | MAINTAINER is not allowed here",
            "FOO bar | --change 'FOO bar': unknown instruction 'FOO'; allowed: CMD",
            "CMD | --change 'CMD': CMD needs an argument",
            "ENV | ENV needs an argument",
            "USER    | USER needs an argument",
            "ENV K | ENV needs a value: use ENV name=value",
            "ENV A=1 B | can't find '=' in 'B'; ENV takes name=value pairs",
            "ENV =x | ENV names can not be blank",
            "LABEL =x | LABEL names can not be blank",
            "ENV A=\"unterminated | matching double-quote",
            "LABEL a='x | matching single-quote",
            "ENV A=${B | missing '}'",
            "ENV A=${B?x} | unsupported modifier",
            "ENV A=${} | bad substitution",
            "EXPOSE 80/icmp | invalid protocol 'icmp' in '80/icmp' (allowed: tcp, udp, sctp)",
            "EXPOSE 65536 | invalid port '65536' in '65536': expected a number from 0 to 65535",
            "EXPOSE http | invalid port 'http'",
            "EXPOSE 90-80 | invalid port range '90-80': the end is below the start",
            "EXPOSE 80- | invalid port ''",
            "EXPOSE 8080:80 | EXPOSE takes container ports, not port mappings: '8080:80'",
            "VOLUME [] | VOLUME needs at least one path",
            "VOLUME [\"\"] | VOLUME specified can not be an empty string",
            "WORKDIR $NOPE | WORKDIR needs a non-empty argument",
            "USER ${NOPE} | USER needs a non-empty argument",
            "STOPSIGNAL SIGFOO | invalid signal 'SIGFOO'",
            "STOPSIGNAL 0 | invalid signal '0'",
            "STOPSIGNAL 256 | invalid signal '256'",
            "ONBUILD ONBUILD RUN x | chaining ONBUILD via 'ONBUILD ONBUILD' isn't allowed",
            "ONBUILD FROM x | FROM isn't allowed as an ONBUILD trigger",
            "ONBUILD MAINTAINER x | MAINTAINER isn't allowed as an ONBUILD trigger",
            "ONBUILD BOGUS x | unknown ONBUILD trigger instruction 'BOGUS'",
            "HEALTHCHECK --interval=30s | HEALTHCHECK needs NONE or CMD",
            "HEALTHCHECK NONE x | HEALTHCHECK NONE takes no arguments",
            "HEALTHCHECK CMD | missing command after HEALTHCHECK CMD",
            "HEALTHCHECK RUN x | unknown type 'RUN' in HEALTHCHECK (try CMD)",
            "HEALTHCHECK --bogus=1 CMD x | unknown HEALTHCHECK flag '--bogus'",
            "HEALTHCHECK --interval CMD x | HEALTHCHECK flag --interval needs a value",
            "HEALTHCHECK --interval=30 CMD x | HEALTHCHECK --interval '30' is not a duration",
            "HEALTHCHECK --timeout=1x CMD x | HEALTHCHECK --timeout '1x' is not a duration",
            "HEALTHCHECK --interval=-1s CMD x | cannot be negative",
            "HEALTHCHECK --interval=10us CMD x | cannot be less than 1ms",
            "HEALTHCHECK --retries=-1 CMD x | HEALTHCHECK --retries cannot be negative",
            "HEALTHCHECK --retries=many CMD x | HEALTHCHECK --retries 'many' is not a whole number"})
    void errorsNameTheChangeAndTheFault(String change, String fragment) {
        assertThatThrownBy(() -> apply(change.strip()))
                .isInstanceOf(OciException.class)
                .hasMessageStartingWith("--change '" + change.strip() + "': ")
                .hasMessageContaining(fragment.strip());
    }

    @Test
    void firstBadChangeIsReportedEvenAfterGoodOnes() {
        assertThatThrownBy(() -> apply("USER a", "RUN x", "FOO"))
                .isInstanceOf(OciException.class)
                .hasMessageStartingWith("--change 'RUN x'");
    }
}
