package dev.berth.build.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.build.BuildException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cases from Go's filepath.Match documentation and table (the rules the Dockerfile reference names). */
class GoGlobTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "abc|abc|true", "*|abc|true", "*c|abc|true", "a*|a|true", "a*|abc|true", "a*|ab/c|false",
            "a*/b|abc/b|true", "a*/b|a/c/b|false", "a*b*c*d*e*/f|axbxcxdxe/f|true",
            "a*b*c*d*e*/f|axbxcxdxexxx/f|true", "a*b*c*d*e*/f|axbxcxdxe/xxx/f|false",
            "a*b?c*x|abxbbxdbxebxczzx|true", "a*b?c*x|abxbbxdbxebxczzy|false",
            "ab[c]|abc|true", "ab[b-d]|abc|true", "ab[e-g]|abc|false", "ab[^c]|abc|false", "ab[^b-d]|abc|false",
            "ab[^e-g]|abc|true", "a\\*b|a*b|true", "a\\*b|ab|false", "a?b|a☺b|true", "a[^a]b|a☺b|true",
            "a???b|a☺b|false", "[a-ζ]*|α|true", "*[a-ζ]|A|false", "a?b|a/b|false", "a*b|a/b|false",
            "[\\]a]|]|true", "[\\-]|-|true", "[x\\-]|x|true", "[x\\-]|-|true", "[x\\-]|z|false",
            "*x|xxx|true", ".*|.hidden|true", "*|.hidden|true"})
    void matchesLikeGo(String pattern, String name, boolean expected) {
        assertThat(GoGlob.compile(pattern, false).matches(List.of(name.split("/")))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"[]a]", "[-]", "[x-]", "[a-b-c]", "[", "[^", "[^bc", "a[", "a\\", "[a-]"})
    void badPatternsAreRefused(String pattern) {
        assertThatThrownBy(() -> GoGlob.compile(pattern, false)).isInstanceOf(BuildException.class)
                .hasMessageStartingWith("bad pattern '" + pattern + "'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"src/**/*.txt|src/a.txt|true", "src/**/*.txt|src/x/y/c.txt|true",
            "src/**/*.txt|src/x/y/c.md|false", "**|a/b/c|true", "src/**|src|true"})
    void doubleStarSpansComponentsForParents(String pattern, String path, boolean expected) {
        assertThat(GoGlob.compile(pattern, true).matches(List.of(path.split("/")))).isEqualTo(expected);
        if (pattern.equals("src/**/*.txt") && path.equals("src/x/y/c.txt")) {
            assertThat(GoGlob.compile(pattern, false).matches(List.of(path.split("/")))).isFalse();
        }
    }
}
