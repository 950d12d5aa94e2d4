package dev.berth.build.copy;

import static dev.berth.build.copy.Trees.chown;
import static dev.berth.build.copy.Trees.dir;
import static dev.berth.build.copy.Trees.file;
import static dev.berth.build.copy.Trees.symlink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.build.BuildException;
import dev.berth.oci.layer.LayerEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** COPY semantics against expected file trees written from the Dockerfile reference. */
class CopyStepTest {
    @TempDir
    Path temp;
    CopyFixture f;

    @BeforeEach
    void context() throws IOException {
        f = new CopyFixture(temp);
        Path c = f.context;
        file(c, "a.txt", "A", 0644);
        file(c, "c.txt", "C", 0640);
        file(c, "run.sh", "#!/bin/sh", 0755);
        dir(c, "dir", 0750);
        file(c, "dir/b.txt", "B", 0600);
        dir(c, "dir/sub", 0700);
        file(c, "dir/sub/deep.txt", "D", 0644);
        symlink(c, "dir/link", "b.txt");
        symlink(c, "to-a", "a.txt");
        symlink(c, "to-dir", "dir");
        symlink(c, "escape", "../../../../etc/hostname");
        chown(c.resolve("a.txt"), 1234, 5678); // host owners never reach the image
        // The destination image: /etc with passwd/group, /opt/app behind a /app symlink, a 0700 /data.
        Path r = f.rootfs;
        dir(r, "etc", 0755);
        file(r, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1001:1002::/home/app:/bin/sh\n", 0644);
        file(r, "etc/group", "root:x:0:\napp:x:1002:\nstaff:x:50:\n", 0644);
        dir(r, "data", 0700);
        chown(r.resolve("data"), 7, 8);
        dir(r, "opt/app", 0755);
        symlink(r, "app", "/opt/app");
        symlink(r, "evil", "../../../../tmp");
        dir(r, "blocked.txt", 0755); // a directory where a context file would land
    }

    @Test
    void fileToPathWithoutSlashBecomesThatFile() throws IOException {
        assertThat(f.copy("a.txt", "/dest").run()).containsExactly("f 0644 0:0 dest = A");
    }

    @Test
    void fileToPathWithSlashGoesInsideANewDirectory() throws IOException {
        assertThat(f.copy("a.txt", "/new/deeper/").run()).containsExactly(
                "d 0755 0:0 new",
                "d 0755 0:0 new/deeper",
                "f 0644 0:0 new/deeper/a.txt = A");
    }

    @Test
    void fileToAnExistingDirectoryWithoutSlashGoesInsideAndKeepsItsMetadata() throws IOException {
        assertThat(f.copy("c.txt", "/data").run()).containsExactly(
                "d 0700 7:8 data",
                "f 0640 0:0 data/c.txt = C");
    }

    @Test
    void directorySourceCopiesItsContentsNotItself() throws IOException {
        assertThat(f.copy("dir", "/d").run()).containsExactly(
                "d 0755 0:0 d",
                "f 0600 0:0 d/b.txt = B",
                "l 0:0 d/link -> b.txt",
                "d 0700 0:0 d/sub",
                "f 0644 0:0 d/sub/deep.txt = D");
    }

    @Test
    void trailingSlashOnTheSourceIsIgnoredAndLeadingSlashMeansTheContextRoot() throws IOException {
        assertThat(f.copy("/dir/sub/", "/x/").run()).containsExactly(
                "d 0755 0:0 x",
                "f 0644 0:0 x/deep.txt = D");
    }

    @Test
    void wildcardsFollowGoFilepathMatch() throws IOException {
        assertThat(f.copy("*.txt", "[a-b]*", "?un.sh", "/g/").run()).containsExactly(
                "d 0755 0:0 g",
                "f 0644 0:0 g/a.txt = A",
                "f 0640 0:0 g/c.txt = C",
                "f 0755 0:0 g/run.sh = #!/bin/sh");
        // a.txt matched twice (by *.txt and [a-b]*): written once, the later source winning
    }

    @Test
    void wildcardInsideAPathMatchesOneLevel() throws IOException {
        assertThat(f.copy("dir/*/*.txt", "/w/").run()).containsExactly(
                "d 0755 0:0 w",
                "f 0644 0:0 w/deep.txt = D");
    }

    @Test
    void wildcardMatchingADirectoryCopiesItsContents() throws IOException {
        assertThat(f.copy("di?", "/w/").run()).containsExactly(
                "d 0755 0:0 w",
                "f 0600 0:0 w/b.txt = B",
                "l 0:0 w/link -> b.txt",
                "d 0700 0:0 w/sub",
                "f 0644 0:0 w/sub/deep.txt = D");
    }

    @Test
    void aWildcardThatMatchesNothingCopiesNothing() throws IOException {
        assertThat(f.copy("*.nothing", "/w/").run()).isEmpty();
    }

    @Test
    void severalSourcesNeedADestinationEndingInSlash() {
        assertThatThrownBy(() -> f.copy("a.txt", "c.txt", "/dest").prepare())
                .isInstanceOf(BuildException.class)
                .hasMessage("COPY failed: with more than one source file the destination must be a directory ending"
                        + " in '/': /dest (Dockerfile:5:1)");
        assertThatThrownBy(() -> f.copy("*.txt", "/dest").prepare())
                .hasMessageContaining("destination must be a directory ending in '/'");
    }

    @Test
    void relativeDestinationIsBelowWorkdir() throws IOException {
        assertThat(f.copy("a.txt", "c.txt", "rel/").workdir("/srv/www").run()).containsExactly(
                "d 0755 0:0 srv",
                "d 0755 0:0 srv/www",
                "d 0755 0:0 srv/www/rel",
                "f 0644 0:0 srv/www/rel/a.txt = A",
                "f 0640 0:0 srv/www/rel/c.txt = C");
    }

    @Test
    void dotDestinationIsTheWorkdirAsADirectory() throws IOException {
        assertThat(f.copy("a.txt", "c.txt", ".").workdir("/data").run()).containsExactly(
                "d 0700 7:8 data",
                "f 0644 0:0 data/a.txt = A",
                "f 0640 0:0 data/c.txt = C");
    }

    @Test
    void chownNumericOwnsFilesAndCreatedDirectories() throws IOException {
        assertThat(f.copy("dir", "/n/d/").chown("1000:2000").run()).containsExactly(
                "d 0755 1000:2000 n",
                "d 0755 1000:2000 n/d",
                "f 0600 1000:2000 n/d/b.txt = B",
                "l 1000:2000 n/d/link -> b.txt",
                "d 0700 1000:2000 n/d/sub",
                "f 0644 1000:2000 n/d/sub/deep.txt = D");
    }

    @Test
    void chownNumericUserAloneUsesTheSameNumberAsGroup() throws IOException {
        assertThat(f.copy("a.txt", "/x").chown("42").run()).containsExactly("f 0644 42:42 x = A");
    }

    @Test
    void chownNamesAreResolvedInTheDestinationImage() throws IOException {
        assertThat(f.copy("a.txt", "/x").chown("app").run()).containsExactly("f 0644 1001:1002 x = A");
    }

    @Test
    void chownUserAndGroupNames() throws IOException {
        assertThat(f.copy("a.txt", "/x").chown("app:staff").run()).containsExactly("f 0644 1001:50 x = A");
    }

    @Test
    void chownWithAnUnknownNameFailsNamingIt() {
        assertThatThrownBy(() -> f.copy("a.txt", "/x").chown("nobody:staff").run())
                .isInstanceOf(BuildException.class)
                .hasMessage("COPY failed: --chown=nobody:staff: no user named 'nobody' in the image's /etc/passwd"
                        + " (Dockerfile:5:1)");
        assertThatThrownBy(() -> f.copy("a.txt", "/x").chown("app:wheel").run())
                .hasMessageContaining("no group named 'wheel' in the image's /etc/group");
        assertThat(f.output).isEmptyDirectory();
    }

    @Test
    void chownNamesNeedAFilesystem() throws IOException {
        try (CopyStep step = f.copy("a.txt", "/x").chown("app").prepare()) {
            assertThatThrownBy(() -> step.apply(null, f.output))
                    .hasMessageContaining("cannot look up user 'app' in an empty filesystem");
        }
    }

    @Test
    void chmodOctalAppliesToFilesAndDirectoriesCopied() throws IOException {
        assertThat(f.copy("dir", "/d/").chmod("751").run()).containsExactly(
                "d 0755 0:0 d",
                "f 0751 0:0 d/b.txt = B",
                "l 0:0 d/link -> b.txt",
                "d 0751 0:0 d/sub",
                "f 0751 0:0 d/sub/deep.txt = D");
    }

    @Test
    void chmodSymbolic() throws IOException {
        assertThat(f.copy("dir", "run.sh", "/d/").chmod("u=rwX,go=rX").run()).containsExactly(
                "d 0755 0:0 d",
                "f 0644 0:0 d/b.txt = B",
                "l 0:0 d/link -> b.txt",
                "f 0755 0:0 d/run.sh = #!/bin/sh",
                "d 0755 0:0 d/sub",
                "f 0644 0:0 d/sub/deep.txt = D");
    }

    @Test
    void badChmodIsRefused() {
        assertThatThrownBy(() -> f.copy("a.txt", "/x").chmod("0999").prepare())
                .isInstanceOf(BuildException.class)
                .hasMessageStartingWith("Dockerfile:5:1: COPY --chmod=0999: not an octal mode");
    }

    @Test
    void aTopLevelSymlinkSourceCopiesWhatItPointsToUnderItsOwnName() throws IOException {
        assertThat(f.copy("to-a", "/s/").run()).containsExactly(
                "d 0755 0:0 s",
                "f 0644 0:0 s/to-a = A");
    }

    @Test
    void aTopLevelSymlinkToADirectoryCopiesTheDirectoryContents() throws IOException {
        assertThat(f.copy("to-dir/sub", "/s/").run()).containsExactly(
                "d 0755 0:0 s",
                "f 0644 0:0 s/deep.txt = D");
    }

    @Test
    void aSymlinkPointingOutOfTheContextIsResolvedInsideIt() {
        // ../../../../etc/hostname from the context root is <context>/etc/hostname, which does not exist
        assertThatThrownBy(() -> f.copy("escape", "/x").prepare())
                .isInstanceOf(BuildException.class)
                .hasMessage("COPY failed: file not found in build context: escape (Dockerfile:5:1)");
    }

    @Test
    void hardLinksInsideACopiedDirectoryStayHardLinks() throws IOException {
        Files.createLink(f.context.resolve("dir/b-again.txt"), f.context.resolve("dir/b.txt"));
        assertThat(f.copy("dir", "/h/").run()).contains(
                "f 0600 0:0 h/b-again.txt = B links=2",
                "f 0600 0:0 h/b.txt = B links=2");
    }

    @Test
    void parentsKeepTheSourcePath() throws IOException {
        file(f.context, "x/a.txt", "XA", 0644);
        file(f.context, "y/a.txt", "YA", 0644);
        assertThat(f.copy("./x/a.txt", "./y/a.txt", "/p/").parents().run()).containsExactly(
                "d 0755 0:0 p",
                "d 0755 0:0 p/x",
                "f 0644 0:0 p/x/a.txt = XA",
                "d 0755 0:0 p/y",
                "f 0644 0:0 p/y/a.txt = YA");
    }

    @Test
    void parentsWithADotSlashPivotAndDoubleStar() throws IOException {
        file(f.context, "x/y/a.txt", "1", 0644);
        file(f.context, "x/y/b.txt", "2", 0644);
        file(f.context, "src/a.txt", "3", 0644);
        file(f.context, "src/x/b.txt", "4", 0644);
        file(f.context, "src/x/y/c.txt", "5", 0644);
        file(f.context, "src/x/y/c.md", "6", 0644);
        assertThat(f.copy("./x/./y/*.txt", "./src/**/*.txt", "/parents/").parents().run()).containsExactly(
                "d 0755 0:0 parents",
                "d 0755 0:0 parents/src",
                "f 0644 0:0 parents/src/a.txt = 3",
                "d 0755 0:0 parents/src/x",
                "f 0644 0:0 parents/src/x/b.txt = 4",
                "d 0755 0:0 parents/src/x/y",
                "f 0644 0:0 parents/src/x/y/c.txt = 5",
                "d 0755 0:0 parents/y",
                "f 0644 0:0 parents/y/a.txt = 1",
                "f 0644 0:0 parents/y/b.txt = 2");
    }

    @Test
    void heredocBecomesA0644FileNamedAfterItsDelimiterOrTheDestination() throws IOException {
        assertThat(f.copy("/etc/motd").heredoc("EOF", "hello\nworld\n").run()).containsExactly(
                "d 0755 0:0 etc",
                "f 0644 0:0 etc/motd = hello\\nworld\\n");
    }

    @Test
    void heredocsIntoADirectory() throws IOException {
        assertThat(f.copy("/d/").heredoc("one.txt", "1\n").heredoc("two.txt", "2\n").chown("5:6").run())
                .containsExactly(
                        "d 0755 5:6 d",
                        "f 0644 5:6 d/one.txt = 1\\n",
                        "f 0644 5:6 d/two.txt = 2\\n");
    }

    @Test
    void missingSourceNamesItAndThePosition() {
        assertThatThrownBy(() -> f.copy("app.py", "/app/").prepare())
                .isInstanceOf(BuildException.class)
                .hasMessage("COPY failed: file not found in build context: app.py (Dockerfile:5:1)");
    }

    @Test
    void sourcesOutsideTheContextAreRefused() {
        assertThatThrownBy(() -> f.copy("../outside.txt", "/x").prepare())
                .isInstanceOf(BuildException.class)
                .hasMessageStartingWith("COPY failed: '../outside.txt' is outside the build context");
        assertThatThrownBy(() -> f.copy("dir/../../x", "/x").prepare())
                .hasMessageStartingWith("COPY failed: 'dir/../../x' is outside the build context");
    }

    @Test
    void destinationSymlinksInTheImageAreFollowedInsideIt() throws IOException {
        assertThat(f.copy("a.txt", "/app/").run()).containsExactly(
                "d 0755 0:0 opt",
                "d 0755 0:0 opt/app",
                "f 0644 0:0 opt/app/a.txt = A");
    }

    @Test
    void aDestinationSymlinkClimbingOutStaysInsideTheLayer() throws IOException {
        Path sentinel = Files.createDirectories(temp.resolve("tmp"));
        assertThat(f.copy("a.txt", "/evil/").run()).containsExactly(
                "d 0755 0:0 tmp",
                "f 0644 0:0 tmp/a.txt = A");
        assertThat(sentinel).isEmptyDirectory();
        assertThat(f.rootfs.resolve("tmp")).doesNotExist();
    }

    @Test
    void aFileCannotReplaceADirectoryOfTheImage() throws IOException {
        file(f.context, "tree/blocked.txt", "x", 0644);
        file(f.context, "tree/fine.txt", "y", 0644);
        assertThatThrownBy(() -> f.copy("tree", "/").run())
                .isInstanceOf(BuildException.class)
                .hasMessage("COPY failed: cannot replace directory /blocked.txt with a file (Dockerfile:5:1)");
        assertThat(f.output).isEmptyDirectory();
    }

    @Test
    void fromAnotherStageKeepsOwnersUnlessChown(@TempDir Path stage) throws IOException {
        file(stage, "usr/bin/tool", "T", 0750);
        chown(stage.resolve("usr/bin/tool"), 33, 44);
        assertThat(f.copy("/usr/bin/tool", "/bin/").from(stage).run()).containsExactly(
                "d 0755 0:0 bin",
                "f 0750 33:44 bin/tool = T");
        assertThatThrownBy(() -> f.copy("/missing", "/bin/").from(stage).prepare())
                .hasMessage("COPY failed: file not found in stage 'build': /missing (Dockerfile:5:1)");
    }

    @Test
    void copyRefusesUrls() {
        assertThatThrownBy(() -> f.copy("http://127.0.0.1:1/x", "/x").prepare())
                .hasMessageStartingWith("COPY failed: COPY cannot read URLs (http://127.0.0.1:1/x); use ADD");
    }

    @Test
    void entriesCarryTheOwnersWritten() throws IOException {
        try (CopyStep step = f.copy("dir", "/d/").chown("9:10").prepare()) {
            CopyResult result = step.apply(f.rootfs, f.output);
            assertThat(result.entries()).extracting(LayerEntry::path).containsExactly(
                    "d", "d/b.txt", "d/link", "d/sub", "d/sub/deep.txt");
            assertThat(result.entries()).allSatisfy(e -> {
                assertThat(e.uid()).isEqualTo(9);
                assertThat(e.gid()).isEqualTo(10);
            });
            assertThat(result.files()).isEqualTo(2);
        }
    }

    @Test
    void applyNeedsAnEmptyOutputDirectory() throws IOException {
        file(f.output, "stale", "s", 0644);
        try (CopyStep step = f.copy("a.txt", "/x").prepare()) {
            assertThatThrownBy(() -> step.apply(f.rootfs, f.output)).hasMessageContaining("is not empty");
        }
        assertThat(f.output.resolve("stale")).exists();
    }

    @Test
    void normalizedModesIgnoreTheCheckoutUmask() throws IOException {
        Trees.chmod(f.context.resolve("a.txt"), 0664);
        Trees.chmod(f.context.resolve("run.sh"), 0775);
        CopyRequest request = f.copy("a.txt", "run.sh", "dir/sub", "/n/").request().withNormalizedModes(true);
        try (CopyStep step = CopyStep.prepare(request, f.hashes)) {
            step.apply(f.rootfs, f.output);
        }
        assertThat(Trees.describe(f.output)).containsExactly(
                "d 0755 0:0 n",
                "f 0644 0:0 n/a.txt = A",
                "f 0644 0:0 n/deep.txt = D",
                "f 0755 0:0 n/run.sh = #!/bin/sh");
    }

    @Test
    void copyOntoScratchNeedsNoRootfs() throws IOException {
        try (CopyStep step = f.copy("a.txt", "/x/y").chown("1:2").prepare()) {
            step.apply(null, f.output);
        }
        assertThat(Trees.describe(f.output)).containsExactly("d 0755 1:2 x", "f 0644 1:2 x/y = A");
    }

    @Test
    void digestIgnoresMtimesAndHostOwnersButNotContentOrModes() throws IOException {
        String before = f.copy("dir", "a.txt", "/d/").digest();
        Files.setLastModifiedTime(f.context.resolve("dir/b.txt"), java.nio.file.attribute.FileTime.fromMillis(0));
        chown(f.context.resolve("dir/b.txt"), 4321, 4321);
        assertThat(f.copy("dir", "a.txt", "/d/").digest()).isEqualTo(before);

        Trees.chmod(f.context.resolve("dir/b.txt"), 0644);
        String afterChmod = f.copy("dir", "a.txt", "/d/").digest();
        assertThat(afterChmod).isNotEqualTo(before);

        Files.writeString(f.context.resolve("dir/sub/deep.txt"), "E");
        String afterEdit = f.copy("dir", "a.txt", "/d/").digest();
        assertThat(afterEdit).isNotEqualTo(afterChmod);

        assertThat(f.copy("dir", "a.txt", "/d/").chown("1").digest()).isNotEqualTo(afterEdit);
        assertThat(f.copy("dir", "a.txt", "/e/").digest()).isNotEqualTo(afterEdit);
        assertThat(f.copy("dir", "a.txt", "/d/").digest()).startsWith("sha256:").hasSize(71).isEqualTo(afterEdit);
    }

    @Test
    void digestCoversSymlinkTargetsAndNames() throws IOException {
        String before = f.copy("dir", "/d/").digest();
        Files.delete(f.context.resolve("dir/link"));
        symlink(f.context, "dir/link", "sub");
        assertThat(f.copy("dir", "/d/").digest()).isNotEqualTo(before);
        String relinked = f.copy("dir", "/d/").digest();
        Files.move(f.context.resolve("dir/sub/deep.txt"), f.context.resolve("dir/sub/renamed.txt"));
        assertThat(f.copy("dir", "/d/").digest()).isNotEqualTo(relinked);
    }

    @Test
    void aFileChangedBetweenHashingAndCopyingFailsTheStep() throws IOException {
        try (CopyStep step = f.copy("a.txt", "/x").prepare()) {
            Files.writeString(f.context.resolve("a.txt"), "changed");
            assertThatThrownBy(() -> step.apply(f.rootfs, f.output))
                    .hasMessageContaining("changed while the build was reading it");
        }
        assertThat(f.output).isEmptyDirectory();
    }

    @Test
    void laterSourcesOverwriteEarlierOnes() throws IOException {
        file(f.context, "one/same.txt", "first", 0644);
        file(f.context, "two/same.txt", "second", 0600);
        assertThat(f.copy("one", "two", "/o/").run()).containsExactly(
                "d 0755 0:0 o",
                "f 0600 0:0 o/same.txt = second");
    }

    @Test
    void theWholeContextWithDot() throws IOException {
        List<String> tree = f.copy(".", "/all/").run();
        assertThat(tree).contains("f 0644 0:0 all/a.txt = A", "l 0:0 all/to-a -> a.txt",
                "f 0644 0:0 all/dir/sub/deep.txt = D", "l 0:0 all/escape -> ../../../../etc/hostname");
    }
}
