package dev.berth.build.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.build.BuildException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The .dockerignore pattern rules, as a table: patterns (lines joined by '|'), a path, whether it is excluded. */
class DockerIgnoreTest {
    @ParameterizedTest(name = "[{0}] {1} -> {2}")
    @CsvSource(delimiter = ';', textBlock = """
            *.md;                     README.md;          true
            *.md;                     docs/README.md;     false
            **/*.md;                  docs/README.md;     true
            **/*.md;                  README.md;          true
            **/*.md;                  a/b/c/x.md;         true
            **/*.go;                  cmd/main.go;        true
            **/*.go;                  main.go;            true
            **/*.go;                  main.gox;           false
            *.md|!keep.md;            keep.md;            false
            *.md|!keep.md;            other.md;           true
            !keep.md|*.md;            keep.md;            true
            *.md|!keep.md|keep.md;    keep.md;            true
            dir/**;                   dir/a;              true
            dir/**;                   dir/a/b/c;          true
            dir/**;                   dir;                false
            dir/**;                   other/a;            false
            **;                       anything/at/all;    true
            **;                       x;                  true
            a/**/b;                   a/b;                true
            a/**/b;                   a/x/b;              true
            a/**/b;                   a/x/y/b;            true
            a/**/b;                   a/x/y/c;            false
            a/**/b;                   a/x/b/inside;       true
            .git;                     .git;               true
            .git;                     .git/HEAD;          true
            .git;                     .github/x;          false
            .git;                     sub/.git;           false
            ./x;                      x;                  true
            ./x/;                     x/y;                true
            /x;                       x;                  true
            //x//y/;                  x/y;                true
            a/../b;                   b;                  true
            a/./b;                    a/b;                true
            [a-c].txt;                b.txt;              true
            [a-c].txt;                d.txt;              false
            [!a-c].txt;               d.txt;              true
            [^a-c].txt;               a.txt;              false
            file?.log;                file1.log;          true
            file?.log;                file10.log;         false
            file?.log;                file/.log;          false
            *;                        a/b;                true
            */*.txt;                  a/b.txt;            true
            */*.txt;                  b.txt;              false
            */*.txt;                  a/b/c.txt;          false
            \\*.txt;                  *.txt;              true
            \\*.txt;                  a.txt;              false
            node_modules;             node_modules/x/y.js; true
            build;                    src/build;          false
            **/build;                 src/build/out.o;    true
            #comment|x;               #comment;           false
            #comment|x;               x;                  true
              spaced.txt  ;           spaced.txt;         true
            !*.md;                    README.md;          false
            *|!src|src/*.tmp;         src/a.tmp;          true
            *|!src|src/*.tmp;         src/a.go;           false
            *|!src|src/*.tmp;         other;              true
            target|!target/keep;      target/keep/file;   false
            target|!target/keep;      target/drop;        true
            a.b;                      axb;                false
            (x)+;                     (x)+;               true
            """)
    void matches(String patterns, String path, boolean excluded) {
        DockerIgnore ignore = DockerIgnore.parse(".dockerignore", patterns.replace('|', '\n'));
        assertThat(ignore.excludes(path)).isEqualTo(excluded);
    }

    @ParameterizedTest(name = "[{0}] {1} -> {2}")
    @CsvSource(delimiter = ';', textBlock = """
            target;                         target;      false
            target|!target/keep;            target;      true
            target|!target/keep;            other;       true
            !target/keep|target;            target;      false
            node_modules|!**/package.json;  node_modules; true
            dir|!other/x;                   dir;         false
            dir|!d*/x;                      dir;         true
            dir|!dir;                       dir;         true
            a/b|!a/*/c;                     a/b;         true
            a/b|!a/*/c;                     a/d;         true
            *|!src/main;                    src;         true
            *|!src/main;                    test;        false
            *|!src/main|src;                src;         false
            """)
    void mayIncludeBelow(String patterns, String dir, boolean descend) {
        DockerIgnore ignore = DockerIgnore.parse(".dockerignore", patterns.replace('|', '\n'));
        assertThat(ignore.mayIncludeBelow(dir)).isEqualTo(descend);
    }

    @Test
    void noneExcludesNothing() {
        assertThat(DockerIgnore.none().excludes("a/b")).isFalse();
        assertThat(DockerIgnore.none().isEmpty()).isTrue();
        assertThat(DockerIgnore.parse("x", "\n# only a comment\n\n").isEmpty()).isTrue();
    }

    @Test
    void crlfLinesAndBom() {
        DockerIgnore ignore = DockerIgnore.parse(".dockerignore", "\uFEFF*.log\r\n!keep.log\r\n");
        assertThat(ignore.excludes("a.log")).isTrue();
        assertThat(ignore.excludes("keep.log")).isFalse();
    }

    @Test
    void badPatternsNameFileAndLine() {
        assertThatThrownBy(() -> DockerIgnore.parse("app/.dockerignore", "ok\n\n[a-c\n"))
                .isInstanceOf(BuildException.class)
                .hasMessage("app/.dockerignore:3: [a-c: unterminated character class (expected ']')");
        assertThatThrownBy(() -> DockerIgnore.parse(".dockerignore", "x\n!\n"))
                .isInstanceOf(BuildException.class)
                .hasMessage(".dockerignore:2: '!' without a pattern after it");
        assertThatThrownBy(() -> DockerIgnore.parse(".dockerignore", "[z-a]"))
                .isInstanceOf(BuildException.class)
                .hasMessage(".dockerignore:1: [z-a]: bad range z-a in a character class");
        assertThatThrownBy(() -> DockerIgnore.parse(".dockerignore", "a[]b"))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining(".dockerignore:1: a[]b: empty character class");
    }

    @Test
    void cleansAsPaths() {
        assertThat(DockerIgnore.clean("./a/b/")).isEqualTo("a/b");
        assertThat(DockerIgnore.clean("a/../../b")).isEqualTo("../b");
        assertThat(DockerIgnore.clean("/../a")).isEqualTo("/a");
        assertThat(DockerIgnore.clean("./")).isEqualTo(".");
        assertThat(DockerIgnore.clean("a//b/./c/..")).isEqualTo("a/b");
    }
}
