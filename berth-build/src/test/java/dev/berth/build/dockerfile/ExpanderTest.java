package dev.berth.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.build.BuildException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Variable substitution and quote removal as a table. Variables: a=1, b=two words, empty="", path=/usr/bin;
 * {@code unset} is not set. Inputs and outputs are written between ⟨ and ⟩ so spaces and quotes read plainly.
 */
class ExpanderTest {
    private static final SourcePosition AT = new SourcePosition("Dockerfile", 3, 1);
    private static final Map<String, String> VARS = new HashMap<>(Map.of("a", "1", "b", "two words", "empty", "",
            "path", "/usr/bin", "A_1", "upper", "file", "archive.tar.gz", "s", "foo boo"));
    private final Expander expander = new Expander('\\', VARS::get);
    private final Expander backtick = new Expander('`', VARS::get);

    private static String strip(String s) {
        return s.substring(s.indexOf('⟨') + 1, s.lastIndexOf('⟩'));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = 0, textBlock = """
            ⟨$a⟩                  | ⟨1⟩
            ⟨${a}⟩                | ⟨1⟩
            ⟨x${a}y⟩              | ⟨x1y⟩
            ⟨$a$a⟩                | ⟨11⟩
            ⟨$A_1.x⟩              | ⟨upper.x⟩
            ⟨$unset⟩              | ⟨⟩
            ⟨${unset}⟩            | ⟨⟩
            ⟨${unset:-dflt}⟩      | ⟨dflt⟩
            ⟨${empty:-dflt}⟩      | ⟨dflt⟩
            ⟨${empty-dflt}⟩       | ⟨⟩
            ⟨${unset-dflt}⟩       | ⟨dflt⟩
            ⟨${a:-dflt}⟩          | ⟨1⟩
            ⟨${a:+alt}⟩           | ⟨alt⟩
            ⟨${empty:+alt}⟩       | ⟨⟩
            ⟨${empty+alt}⟩        | ⟨alt⟩
            ⟨${unset+alt}⟩        | ⟨⟩
            ⟨${unset:-${a}}⟩      | ⟨1⟩
            ⟨${unset:-${unset2:-deep}}⟩ | ⟨deep⟩
            ⟨${unset:-x${a}y}⟩    | ⟨x1y⟩
            ⟨${unset:-a b}⟩       | ⟨a b⟩
            ⟨${unset:-"q}"}⟩      | ⟨q}⟩
            ⟨${a:-${unset:?never}}⟩ | ⟨1⟩
            ⟨${a:?must}⟩          | ⟨1⟩
            ⟨${empty?must}⟩       | ⟨⟩
            ⟨$⟩                   | ⟨$⟩
            ⟨a$⟩                  | ⟨a$⟩
            ⟨$1⟩                  | ⟨$1⟩
            ⟨$-x⟩                 | ⟨$-x⟩
            ⟨\\$a⟩                | ⟨$a⟩
            ⟨\\${a}⟩              | ⟨${a}⟩
            ⟨\\\\$a⟩              | ⟨\\1⟩
            ⟨'$a'⟩                | ⟨$a⟩
            ⟨'${a}'x⟩             | ⟨${a}x⟩
            ⟨"$a"⟩                | ⟨1⟩
            ⟨"a b"⟩               | ⟨a b⟩
            ⟨"it's"⟩              | ⟨it's⟩
            ⟨'say "hi"'⟩          | ⟨say "hi"⟩
            ⟨"\\"q\\""⟩           | ⟨"q"⟩
            ⟨"\\$a"⟩              | ⟨$a⟩
            ⟨"\\n"⟩               | ⟨\\n⟩
            ⟨"\\\\"⟩              | ⟨\\⟩
            ⟨\\n⟩                 | ⟨n⟩
            ⟨a\\ b⟩               | ⟨a b⟩
            ⟨x\\⟩                 | ⟨x\\⟩
            ⟨""⟩                  | ⟨⟩
            ⟨a""b⟩                | ⟨ab⟩
            ⟨$b⟩                  | ⟨two words⟩
            ⟨${path}/python3⟩     | ⟨/usr/bin/python3⟩
            ⟨pre'$a'"$a"$a⟩       | ⟨pre$a11⟩
            ⟨${path#/usr}⟩        | ⟨/bin⟩
            ⟨${path#/nope}⟩       | ⟨/usr/bin⟩
            ⟨${file#*.}⟩          | ⟨tar.gz⟩
            ⟨${file##*.}⟩         | ⟨gz⟩
            ⟨${file%.*}⟩          | ⟨archive.tar⟩
            ⟨${file%%.*}⟩         | ⟨archive⟩
            ⟨${file%.[gx]z}⟩      | ⟨archive.tar⟩
            ⟨${file#[!a]}⟩        | ⟨archive.tar.gz⟩
            ⟨${file#?}⟩           | ⟨rchive.tar.gz⟩
            ⟨${file/tar/zip}⟩     | ⟨archive.zip.gz⟩
            ⟨${s/o/0}⟩            | ⟨f0o boo⟩
            ⟨${s//o/0}⟩           | ⟨f00 b00⟩
            ⟨${s//o*/X}⟩          | ⟨fX⟩
            ⟨${s/ /}⟩             | ⟨fooboo⟩
            ⟨${a/1/${path}}⟩      | ⟨/usr/bin⟩
            ⟨${unset#x}⟩          | ⟨⟩
            ⟨${path#$path}⟩       | ⟨⟩
            """)
    void word(String in, String out) {
        assertThat(expander.word(strip(in), AT)).isEqualTo(strip(out));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = 0, textBlock = """
            ⟨a b c⟩          | ⟨a,b,c⟩
            ⟨"a b" c⟩        | ⟨a b,c⟩
            ⟨'a b' c⟩        | ⟨a b,c⟩
            ⟨$b⟩             | ⟨two,words⟩
            ⟨"$b"⟩           | ⟨two words⟩
            ⟨x$b⟩            | ⟨xtwo,words⟩
            ⟨$unset⟩         | ⟨⟩
            ⟨"" x⟩           | ⟨,x⟩
            ⟨  a   b  ⟩      | ⟨a,b⟩
            ⟨a\\ b c⟩        | ⟨a b,c⟩
            ⟨${unset:-p q}⟩  | ⟨p,q⟩
            """)
    void words(String in, String out) {
        String expected = strip(out);
        List<String> words = expander.words(strip(in), AT);
        assertThat(String.join(",", words)).isEqualTo(expected);
        if (!expected.isEmpty()) {
            assertThat(words).hasSize(expected.split(",", -1).length);
        } else {
            assertThat(words).isEmpty();
        }
    }

    @Test
    void backtickEscapeLeavesBackslashesAlone() {
        assertThat(backtick.word("c:\\windows\\$a", AT)).isEqualTo("c:\\windows\\1");
        assertThat(backtick.word("`$a", AT)).isEqualTo("$a");
        assertThat(backtick.word("\"a`\"b\"", AT)).isEqualTo("a\"b");
    }

    @Test
    void heredocBodiesKeepQuotesAndSubstitute() {
        assertThat(expander.heredoc("x='$a' \"$b\" \\$a ${unset:-d}\n", AT)).isEqualTo("x='1' \"two words\" $a d\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = 0, textBlock = """
            ⟨${unset:?is required}⟩ | ⟨Dockerfile:3:1: unset: is required⟩
            ⟨${unset?}⟩             | ⟨Dockerfile:3:1: unset: is not set⟩
            ⟨${empty:?}⟩            | ⟨Dockerfile:3:1: empty: is empty⟩
            ⟨${a⟩                   | ⟨Dockerfile:3:1: missing '}' after ${a in ${a⟩
            ⟨${a:-x⟩                | ⟨Dockerfile:3:1: missing '}' in ${a:-x⟩
            ⟨${}⟩                   | ⟨Dockerfile:3:1: bad substitution ${} (expected a variable name after ${) in ${}⟩
            ⟨${1}⟩                  | ⟨Dockerfile:3:1: bad substitution ${1} (expected a variable name after ${) in ${1}⟩
            ⟨${a*}⟩                 | ⟨Dockerfile:3:1: bad substitution ${a*…} (expected }, :-, :+, :?, -, +, ?, #, %, or /) in ${a*}⟩
            ⟨'open⟩                 | ⟨Dockerfile:3:1: unterminated single quote in 'open⟩
            ⟨"open⟩                 | ⟨Dockerfile:3:1: unterminated double quote in "open⟩
            """)
    void errors(String in, String message) {
        assertThatThrownBy(() -> expander.word(strip(in), AT))
                .isInstanceOf(BuildException.class)
                .hasMessage(strip(message));
    }

    @Test
    void envInOneInstructionSeesTheValuesBeforeIt() {
        Dockerfile d = DockerfileParser.parse("Dockerfile", "FROM scratch\nENV a=1 b=$a\n");
        Map<String, String> before = Map.of("a", "0");
        Instruction.Env env = (Instruction.Env) new Expander('\\', before::get).expand(
                d.stages().getFirst().instructions().getFirst());
        assertThat(env.pairs()).containsExactly(new Instruction.KeyValue("a", "1"),
                new Instruction.KeyValue("b", "0"));
    }

    @Test
    void expandsTheInstructionsTheReferenceLists() {
        Dockerfile d = DockerfileParser.parse("Dockerfile", """
                FROM ${img:-busybox}:$tag AS build
                RUN --mount=type=cache,target=$cache,id="$a" echo $a
                LABEL "com.x.$a"="v $b" other='$a'
                EXPOSE $port 53/udp
                COPY --from=$stage --chown=$a:$a --chmod=$mode --exclude=*.$a src/$a "/dst dir/"
                ADD --checksum=$sum http://x/$a /d
                VOLUME ["/data/$a", "/it's"]
                USER $a
                WORKDIR $path/w
                STOPSIGNAL $sig
                CMD echo $a
                ENTRYPOINT ["echo", "$a"]
                ONBUILD RUN echo $a
                MAINTAINER $a
                ARG x=$a y
                COPY <<EOF <<'RAW' /etc/
                a=$a
                EOF
                a=$a
                RAW
                """);
        Map<String, String> vars = new HashMap<>(VARS);
        vars.putAll(Map.of("tag", "1.36", "cache", "/root/.cache", "port", "80 443", "stage", "build",
                "mode", "640", "sum", "sha256:" + "ab".repeat(32), "sig", "SIGINT"));
        Expander e = new Expander('\\', vars::get);
        StringBuilder out = new StringBuilder();
        Stage s = d.stages().getFirst();
        out.append(CanonicalPrinter.line(e.expand(s.from()))).append('\n');
        for (Instruction i : s.instructions()) {
            out.append(CanonicalPrinter.line(e.expand(i))).append('\n');
        }
        assertThat(out.toString()).isEqualTo("""
                1:1 FROM image="busybox:1.36" name="build"
                2:1 RUN mount(type="cache" target="/root/.cache" id="1") shell "echo $a"
                3:1 LABEL "com.x.1"="v two words" "other"="$a"
                4:1 EXPOSE ["80","443","53/udp"]
                5:1 COPY from="build" chown="1:1" chmod="640" excludes=["*.1"] sources=["src/1"] dest="/dst dir/"
                6:1 ADD checksum="sha256:abababababababababababababababababababababababababababababababab" \
                sources=["http://x/1"] dest="/d"
                7:1 VOLUME ["/data/1","/it's"]
                8:1 USER "1"
                9:1 WORKDIR "/usr/bin/w"
                10:1 STOPSIGNAL "SIGINT"
                11:1 CMD shell "echo $a"
                12:1 ENTRYPOINT exec ["echo","$a"]
                13:1 ONBUILD "RUN echo $a"
                14:1 MAINTAINER "$a"
                15:1 ARG x="1" y
                16:1 COPY sources=[] dest="/etc/" heredoc("EOF" "a=1\\n") heredoc("RAW" literal "a=$a\\n")
                """);
    }

    @Test
    void valuesInvalidOnceSubstitutedAreErrors() {
        Dockerfile d = DockerfileParser.parse("Dockerfile", """
                FROM busybox
                COPY --chmod=$mode a /b
                EXPOSE $port
                WORKDIR $unset
                ADD --checksum=$sum http://x /y
                RUN --mount=type=$t,target=/x true
                STOPSIGNAL $port
                """);
        Map<String, String> vars = Map.of("mode", "9x", "port", "eighty", "sum", "md5:00", "t", "volume");
        Expander e = new Expander('\\', vars::get);
        List<Instruction> is = d.stages().getFirst().instructions();
        assertThatThrownBy(() -> e.expand(is.get(0))).hasMessageStartingWith("Dockerfile:2:1: COPY --chmod=9x: not");
        assertThatThrownBy(() -> e.expand(is.get(1))).hasMessageStartingWith("Dockerfile:3:1: EXPOSE eighty: expected");
        assertThatThrownBy(() -> e.expand(is.get(2))).hasMessage("Dockerfile:4:1: WORKDIR is empty after substitution");
        assertThatThrownBy(() -> e.expand(is.get(3))).hasMessageStartingWith("Dockerfile:5:1: ADD --checksum=md5:00");
        assertThatThrownBy(() -> e.expand(is.get(4))).hasMessageStartingWith("Dockerfile:6:1: RUN --mount type=volume");
        assertThatThrownBy(() -> e.expand(is.get(5))).hasMessageStartingWith("Dockerfile:7:1: STOPSIGNAL eighty");
    }
}
