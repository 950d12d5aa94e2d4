package dev.berth.runtime.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.ContainerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserResolverTest {
    @TempDir
    Path work;

    private Path rootfs;

    @BeforeEach
    void setUp() throws IOException {
        rootfs = BusyboxRootfs.accountsOnly(work.resolve("rootfs"));
    }

    @Test
    void emptyUserIsRootWithRootsHome() {
        assertThat(UserResolver.resolve(rootfs, "")).isEqualTo(new ResolvedUser(0, 0, List.of(), "/root"));
        assertThat(UserResolver.resolve(rootfs, null)).isEqualTo(new ResolvedUser(0, 0, List.of(), "/root"));
    }

    @Test
    void nameGivesPasswdIdsAndEveryGroupListingIt() {
        assertThat(UserResolver.resolve(rootfs, "alice"))
                .isEqualTo(new ResolvedUser(1000, 1000, List.of(50, 44), "/home/alice"));
        assertThat(UserResolver.resolve(rootfs, "bob")).isEqualTo(new ResolvedUser(1001, 1001, List.of(50), "/"));
    }

    @Test
    void numberIsAUidAndFindsItsEntryWhenThereIsOne() {
        assertThat(UserResolver.resolve(rootfs, "1000"))
                .isEqualTo(new ResolvedUser(1000, 1000, List.of(50, 44), "/home/alice"));
        assertThat(UserResolver.resolve(rootfs, "4242")).isEqualTo(new ResolvedUser(4242, 0, List.of(), "/"));
    }

    @Test
    void explicitGroupReplacesThePrimaryGroupAndDropsSupplementaryOnes() {
        assertThat(UserResolver.resolve(rootfs, "1000:1000"))
                .isEqualTo(new ResolvedUser(1000, 1000, List.of(), "/home/alice"));
        assertThat(UserResolver.resolve(rootfs, "alice:staff"))
                .isEqualTo(new ResolvedUser(1000, 50, List.of(), "/home/alice"));
        assertThat(UserResolver.resolve(rootfs, "alice:7777"))
                .isEqualTo(new ResolvedUser(1000, 7777, List.of(), "/home/alice"));
        assertThat(UserResolver.resolve(rootfs, ":video")).isEqualTo(new ResolvedUser(0, 44, List.of(), "/root"));
        // "alice:" has an empty group, which Docker reads as no group at all.
        assertThat(UserResolver.resolve(rootfs, "alice:"))
                .isEqualTo(new ResolvedUser(1000, 1000, List.of(50, 44), "/home/alice"));
    }

    @Test
    void unknownNamesAreErrorsNamingThem() {
        assertThatThrownBy(() -> UserResolver.resolve(rootfs, "nobody"))
                .isInstanceOf(ContainerException.class)
                .hasMessage("unable to find user nobody: no matching entries in the image's /etc/passwd");
        assertThatThrownBy(() -> UserResolver.resolve(rootfs, "alice:wheel"))
                .isInstanceOf(ContainerException.class)
                .hasMessage("unable to find group wheel: no matching entries in the image's /etc/group");
    }

    @Test
    void idsOutOfRangeAndJunkAreErrors() {
        assertThatThrownBy(() -> UserResolver.resolve(rootfs, "4294967296"))
                .isInstanceOf(ContainerException.class).hasMessageContaining("uid 4294967296 is out of range");
        assertThatThrownBy(() -> UserResolver.resolve(rootfs, "1:2147483648"))
                .isInstanceOf(ContainerException.class).hasMessageContaining("gid 2147483648 is out of range");
        assertThatThrownBy(() -> UserResolver.resolve(rootfs, "ali ce"))
                .isInstanceOf(ContainerException.class).hasMessageContaining("whitespace");
    }

    @Test
    void withoutAccountFilesNumbersWorkAndNamesDoNot() throws IOException {
        Path bare = Files.createDirectories(work.resolve("bare"));
        assertThat(UserResolver.resolve(bare, "")).isEqualTo(new ResolvedUser(0, 0, List.of(), "/"));
        assertThat(UserResolver.resolve(bare, "1000:1000")).isEqualTo(new ResolvedUser(1000, 1000, List.of(), "/"));
        assertThatThrownBy(() -> UserResolver.resolve(bare, "root"))
                .isInstanceOf(ContainerException.class).hasMessageContaining("unable to find user root");
        assertThatThrownBy(() -> UserResolver.resolve(bare, "0:staff"))
                .isInstanceOf(ContainerException.class).hasMessageContaining("unable to find group staff");
    }

    @Test
    void malformedLinesAreSkippedLikeLibcDoes() throws IOException {
        Files.writeString(rootfs.resolve("etc/passwd"), """
                # comment
                garbage
                eve:x:notanumber:1:::
                :x:5:5:::
                dave:x:2000:2000:Dave:/home/dave:/bin/sh\r
                """);
        assertThat(UserResolver.resolve(rootfs, "dave")).isEqualTo(new ResolvedUser(2000, 2000, List.of(), "/home/dave"));
        assertThatThrownBy(() -> UserResolver.resolve(rootfs, "eve")).isInstanceOf(ContainerException.class);
    }

    @Test
    void absoluteSymlinkIsFollowedInsideTheRootfsNeverOnTheHost() throws IOException {
        // A host file with a user that must never be seen.
        Path hostDir = Files.createDirectories(work.resolve("host-etc"));
        Path hostPasswd = Files.writeString(hostDir.resolve("passwd"), "mallory:x:0:0::/root:/bin/sh\n");
        Files.delete(rootfs.resolve("etc/passwd"));
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), hostPasswd.toAbsolutePath());

        assertThat(Files.readString(rootfs.resolve("etc/passwd"))).as("the host itself follows the link")
                .contains("mallory");
        assertThatThrownBy(() -> UserResolver.resolve(rootfs, "mallory"))
                .isInstanceOf(ContainerException.class).hasMessageContaining("unable to find user mallory");

        // The same absolute path, created inside the rootfs, is what the link means there.
        Path inside = rootfs.resolve(hostPasswd.toAbsolutePath().toString().substring(1));
        Files.createDirectories(inside.getParent());
        Files.writeString(inside, "carol:x:3000:3000::/home/carol:/bin/sh\n");
        assertThat(UserResolver.resolve(rootfs, "carol").uid()).isEqualTo(3000);
        assertThatThrownBy(() -> UserResolver.resolve(rootfs, "mallory")).isInstanceOf(ContainerException.class);
    }

    @Test
    void dotDotCannotClimbOutOfTheRootfs() throws IOException {
        Path hostPasswd = Files.writeString(work.resolve("passwd"), "mallory:x:0:0::/root:/bin/sh\n");
        Files.delete(rootfs.resolve("etc/passwd"));
        // From rootfs/etc, enough ".." to reach the host's / and then down to the host file.
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"),
                Path.of("../../../../../../../../../../../.." + hostPasswd.toAbsolutePath()));
        assertThat(Files.readString(rootfs.resolve("etc/passwd"))).as("the host itself follows the link")
                .contains("mallory");
        assertThatThrownBy(() -> UserResolver.resolve(rootfs, "mallory"))
                .isInstanceOf(ContainerException.class).hasMessageContaining("unable to find user mallory");
    }

    @Test
    void symlinkedEtcDirectoryAndRelativeLinksResolveInside() throws IOException {
        Path real = Files.createDirectories(rootfs.resolve("real/etc"));
        Files.move(rootfs.resolve("etc/passwd"), real.resolve("passwd"));
        Files.move(rootfs.resolve("etc/group"), real.resolve("group.d"));
        Files.createSymbolicLink(real.resolve("group"), Path.of("./group.d"));
        Files.delete(rootfs.resolve("etc"));
        Files.createSymbolicLink(rootfs.resolve("etc"), Path.of("/real/../real/etc"));
        assertThat(UserResolver.resolve(rootfs, "alice"))
                .isEqualTo(new ResolvedUser(1000, 1000, List.of(50, 44), "/home/alice"));
    }

    @Test
    void linkLoopsDirectoriesFifosAndGiantFilesAreRefused() throws Exception {
        Path passwd = rootfs.resolve("etc/passwd");
        Files.delete(passwd);
        Files.createSymbolicLink(passwd, Path.of("passwd"));
        assertThatThrownBy(() -> UserResolver.resolve(rootfs, "alice"))
                .isInstanceOf(ContainerException.class).hasMessageContaining("too many levels of symbolic links");

        Files.delete(passwd);
        Files.createDirectory(passwd);
        assertThatThrownBy(() -> UserResolver.resolve(rootfs, "alice"))
                .isInstanceOf(ContainerException.class).hasMessage("/etc/passwd in the image is not a regular file");

        Files.delete(passwd);
        Process mkfifo = new ProcessBuilder("mkfifo", passwd.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        assertThatThrownBy(() -> UserResolver.resolve(rootfs, "alice"))
                .isInstanceOf(ContainerException.class).hasMessage("/etc/passwd in the image is not a regular file");

        Files.delete(passwd);
        Files.write(passwd, new byte[UserResolver.MAX_ACCOUNT_FILE + 1]);
        assertThatThrownBy(() -> UserResolver.resolve(rootfs, "alice"))
                .isInstanceOf(ContainerException.class).hasMessageContaining("larger than");
    }

    @Test
    void danglingLinkOrFileInThePathMeansNoFile() throws IOException {
        Path passwd = rootfs.resolve("etc/passwd");
        Files.delete(passwd);
        Files.createSymbolicLink(passwd, Path.of("/nowhere/passwd"));
        assertThat(UserResolver.resolve(rootfs, "7")).isEqualTo(new ResolvedUser(7, 0, List.of(), "/"));

        Files.delete(passwd);
        Files.writeString(rootfs.resolve("afile"), "x");
        Files.createSymbolicLink(passwd, Path.of("/afile/passwd"));
        assertThat(UserResolver.resolve(rootfs, "7")).isEqualTo(new ResolvedUser(7, 0, List.of(), "/"));
    }
}
