package dev.berth.build.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.build.BuildException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChmodSpecTest {
    @ParameterizedTest
    @CsvSource({
            "755, 0600, false, 0755", "0644, 0777, true, 0644", "4755, 0644, false, 4755",
            "+x, 0644, false, 0755", "u+x, 0644, false, 0744", "go-w, 0666, false, 0644",
            "'u=rwX,go=rX', 0600, false, 0644", "'u=rwX,go=rX', 0700, false, 0755", "'u=rwX,go=rX', 0600, true, 0755",
            "g=u, 0640, false, 0660", "o=, 0777, false, 0770", "a-x, 0755, false, 0644", "u+s, 0755, false, 4755",
            "+t, 0777, true, 1777", "=r, 0755, false, 0444"})
    void applies(String spec, String before, boolean directory, String after) {
        int mode = ChmodSpec.parse(spec).apply(Integer.parseInt(before, 8), directory);
        assertThat(Integer.toOctalString(mode)).isEqualTo(Integer.toOctalString(Integer.parseInt(after, 8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"999", "07777a", "12345", "u", "x+", "u*x", "", "u+x,,g+w"})
    void refuses(String spec) {
        assertThatThrownBy(() -> ChmodSpec.parse(spec)).isInstanceOf(BuildException.class)
                .hasMessageStartingWith("invalid --chmod value '" + spec + "'");
    }
}
