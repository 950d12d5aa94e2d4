package dev.berth.oci.layer;

import dev.berth.oci.digest.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Test helper: a comparable description of a directory tree (type, mode, content, link target, hard-link group). */
final class Trees {
    private Trees() {
    }

    static Map<String, String> describe(Path root) {
        Map<String, String> description = new TreeMap<>();
        Map<Object, String> firstNameOfInode = new HashMap<>();
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.filter(p -> !p.equals(root)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (Path p : paths) {
                String rel = root.relativize(p).toString();
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,ino,nlink", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) a.get("mode");
                String owner = " " + a.get("uid") + ":" + a.get("gid");
                String what;
                if (Files.isSymbolicLink(p)) {
                    what = "link -> " + Files.readSymbolicLink(p) + owner;
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    what = "dir " + Integer.toOctalString(mode & 07777) + owner;
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    String group = "";
                    if ((Integer) a.get("nlink") > 1) {
                        group = " inode-of " + firstNameOfInode.computeIfAbsent(a.get("ino"), k -> rel);
                    }
                    what = "file " + Integer.toOctalString(mode & 07777) + owner + " "
                            + Digest.sha256(Files.readAllBytes(p)).shortHex() + group;
                } else {
                    what = "other " + Integer.toOctalString(mode) + owner;
                }
                description.put(rel, what);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return description;
    }

    /** Everything under dir except what lies under {@code except}: to prove an extraction wrote nothing else. */
    static Map<String, String> describeExcept(Path dir, Path except) {
        Map<String, String> all = describe(dir);
        String prefix = dir.relativize(except).toString();
        all.keySet().removeIf(k -> k.equals(prefix) || k.startsWith(prefix + "/"));
        return all;
    }

    static String run(Path dir, String... command) {
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            int code = process.waitFor();
            if (code != 0) {
                throw new AssertionError(String.join(" ", command) + " failed (" + code + "): " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static void deleteTree(Path dir) {
        try {
            SafeRoot.deleteRecursively(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
