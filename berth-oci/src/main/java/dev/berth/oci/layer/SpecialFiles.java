package dev.berth.oci.layer;

import dev.berth.oci.OciException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Device nodes and FIFOs, which the JDK cannot create: made with the mknod and mkfifo commands. */
final class SpecialFiles {
    private SpecialFiles() {
    }

    static void create(Path path, TarEntry entry) throws IOException {
        String mode = Integer.toOctalString(entry.mode() & 07777);
        List<String> command = entry.type() == TarEntry.FIFO
                ? List.of("mkfifo", "-m", mode, "--", path.toString())
                : List.of("mknod", "-m", mode, "--", path.toString(), entry.type() == TarEntry.BLOCK_DEVICE ? "b" : "c",
                        Long.toString(entry.devMajor()), Long.toString(entry.devMinor()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (process.waitFor() != 0) {
                throw new OciException("cannot create " + entry.typeName() + " '" + entry.name() + "': " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating " + entry.name(), e);
        }
    }
}
