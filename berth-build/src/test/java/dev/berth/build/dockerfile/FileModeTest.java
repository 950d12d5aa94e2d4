package dev.berth.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.build.BuildException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** --chmod values: octal replaces, symbolic changes the current mode. Modes are written in octal here. */
class FileModeTest {
    private static final SourcePosition AT = new SourcePosition("Dockerfile", 4, 8);

    @ParameterizedTest(name = "{0} on {1} (dir {2}) -> {3}")
    @CsvSource(textBlock = """
            755,        644, false, 755
            0644,       777, false, 644
            4755,       644, false, 4755
            u+x,        644, false, 744
            +x,         644, false, 755
            a+x,        600, false, 711
            go-w,       666, false, 644
            u=rwx,      644, false, 744
            'u=rwX,go=rX', 640, false, 644
            'u=rwX,go=rX', 640, true,  755
            'u=rwX,go=rX', 740, false, 755
            o=,         777, false, 770
            u+s,        755, false, 4755
            +t,         777, true,  1777
            g+w-r,      640, false, 620
            """)
    void applies(String spec, String current, boolean directory, String expected) {
        FileMode m = FileMode.parse(spec, "COPY", AT);
        assertThat(Integer.toOctalString(m.apply(Integer.parseInt(current, 8), directory))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            8xx
            9
            77777
            u+y
            x+u
            ''
            'u+x,'
            -1
            rwx
            """)
    void refuses(String spec) {
        assertThat(FileMode.isValid(spec)).isFalse();
        assertThatThrownBy(() -> FileMode.parse(spec, "ADD", AT))
                .isInstanceOf(BuildException.class)
                .hasMessage("Dockerfile:4:8: ADD --chmod=" + spec
                        + ": not an octal mode (like 755 or 0644) or a symbolic one (like u+x or go-w)");
    }
}
