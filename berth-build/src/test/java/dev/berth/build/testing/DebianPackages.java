package dev.berth.build.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian binary packages for test fixtures, fetched with {@code apt-get download} into a cache directory that outlives
 * the test run (so a machine downloads each package once), and unpacked with {@code dpkg-deb -x}. Nothing is ever
 * installed on the host. The cache is {@code /var/cache/berth-test-debs}, or {@code $BERTH_TEST_DEBS}.
 */
public final class DebianPackages {
    public static final Path DEFAULT_CACHE = Path.of("/var/cache/berth-test-debs");

    private DebianPackages() {
    }

    public static Path cacheDir() {
        String override = System.getenv("BERTH_TEST_DEBS");
        return override == null || override.isBlank() ? DEFAULT_CACHE : Path.of(override);
    }

    /**
     * The .deb of each package, downloading those the cache lacks. A package already cached is used as it is, whatever
     * version it has, so fixtures stay the same from run to run until the cache is emptied.
     */
    public static List<Path> fetch(List<String> packages) {
        Path cache = cacheDir();
        try {
            Files.createDirectories(cache);
            // Test JVMs (engine tests and these) may fill the cache at the same time.
            try (FileChannel lockFile = FileChannel.open(cache.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
                List<String> missing = new ArrayList<>();
                for (String p : packages) {
                    if (cached(cache, p) == null) {
                        missing.add(p);
                    }
                }
                if (!missing.isEmpty()) {
                    download(cache, missing);
                }
                List<Path> debs = new ArrayList<>();
                for (String p : packages) {
                    Path deb = cached(cache, p);
                    if (deb == null) {
                        fail("apt-get download did not leave a .deb for " + p + " in " + cache);
                    }
                    debs.add(deb);
                }
                return debs;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the package cache " + cache, e);
        }
    }

    /** Unpacks a package's files (not its maintainer scripts) into {@code dir}. */
    public static void extract(Path deb, Path dir) {
        ExternalCommand.run(List.of("dpkg-deb", "-x", deb.toString(), dir.toString()), Map.of(), null, 120)
                .requireSuccess("dpkg-deb -x " + deb.getFileName());
    }

    /** The newest cached .deb of a package ({@code NAME_VERSION_ARCH.deb}; names never hold '_'), or null. */
    private static Path cached(Path cache, String name) throws IOException {
        Path found = null;
        try (DirectoryStream<Path> debs = Files.newDirectoryStream(cache, name + "_*.deb")) {
            for (Path deb : debs) {
                if (found == null || deb.getFileName().toString().compareTo(found.getFileName().toString()) > 0) {
                    found = deb;
                }
            }
        }
        return found;
    }

    /**
     * Downloads into a fresh directory and moves the finished files in, so an interrupted download leaves nothing a
     * later run would take for a package. Package lists that do not know a package yet are refreshed once.
     */
    private static void download(Path cache, List<String> packages) throws IOException {
        Path staging = Files.createTempDirectory(cache, ".download-");
        try {
            List<String> command = new ArrayList<>(List.of("apt-get", "download", "-q"));
            command.addAll(packages);
            ExternalCommand.Result result = ExternalCommand.run(command, Map.of(), staging, 600);
            if (result.exitCode() != 0) {
                ExternalCommand.run(List.of("apt-get", "update", "-q"), Map.of(), null, 600)
                        .requireSuccess("apt-get update (to find " + String.join(", ", packages) + ")");
                ExternalCommand.run(command, Map.of(), staging, 600).requireSuccess(String.join(" ", command));
            }
            try (DirectoryStream<Path> debs = Files.newDirectoryStream(staging, "*.deb")) {
                for (Path deb : debs) {
                    Files.move(deb, cache.resolve(deb.getFileName()), StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } finally {
            TestFiles.deleteTree(staging);
        }
    }
}
