package dev.berth.model.packaging;

import dev.berth.model.ModelException;
import dev.berth.oci.digest.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;

/** sha256 of files, of directory trees (paths and contents, in path order) and of text: the packager's cache keys. */
public final class Hashing {
    private Hashing() {
    }

    /** Hex sha256 of a file's bytes, or of a directory's relative paths and file contents. */
    public static String sha256(Path fileOrDirectory) {
        MessageDigest digest = Digest.newMessageDigest("sha256");
        update(digest, fileOrDirectory);
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String sha256(String text) {
        return HexFormat.of().formatHex(Digest.newMessageDigest("sha256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    static void update(MessageDigest digest, Path path) {
        try {
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                        digest.update((path.relativize(p) + "\n").getBytes(StandardCharsets.UTF_8));
                        file(digest, p);
                    }
                }
            } else {
                file(digest, path);
            }
        } catch (IOException e) {
            throw new ModelException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static void file(MessageDigest digest, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
    }
}
