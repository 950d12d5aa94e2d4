package dev.berth.oci.layer;

import dev.berth.oci.OciException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Device nodes and FIFOs. The JDK cannot create them, and must not touch them afterwards with calls that open the
 * file: its NOFOLLOW_LINKS chmod and its setTimes open the path, which blocks forever on a FIFO without a writer and
 * can have side effects on a device. So they are made with mknod/mkfifo, and their metadata is set only with
 * path-based calls (lchown, chmod(2)) and {@code touch -h}.
 */
final class SpecialFiles {
    private SpecialFiles() {
    }

    static void create(Path path, TarEntry entry, boolean applyOwnership) throws IOException {
        String mode = Integer.toOctalString(entry.mode() & 07777);
        run(entry, entry.type() == TarEntry.FIFO
                ? List.of("mkfifo", "-m", mode, "--", path.toString())
                : List.of("mknod", "-m", mode, "--", path.toString(), entry.type() == TarEntry.BLOCK_DEVICE ? "b" : "c",
                        Long.toString(entry.devMajor()), Long.toString(entry.devMinor())));
        if (applyOwnership) {
            Metadata.chown(path, entry.uid(), entry.gid()); // lchown: path-based
            // chown cleared any setuid/setgid bits; chmod(2) on the path we just made (not a symlink) opens nothing
            Files.setAttribute(path, "unix:mode", entry.mode() & 07777);
        }
        run(entry, List.of("touch", "-h", "-d", "@" + entry.mtime(), "--", path.toString()));
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new OciException("cannot create " + entry.typeName() + " '" + entry.name() + "'");
        }
    }

    private static void run(TarEntry entry, List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (process.waitFor() != 0) {
                throw new OciException("cannot create " + entry.typeName() + " '" + entry.name() + "': "
                        + command.getFirst() + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating " + entry.name(), e);
        }
    }
}
