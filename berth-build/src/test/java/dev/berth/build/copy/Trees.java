package dev.berth.build.copy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** File trees for tests: building them and describing them as sorted lines that a test can compare whole. */
final class Trees {
    private Trees() {
    }

    /**
     * One line per entry below {@code root}: {@code d 0755 0:0 path}, {@code f 0644 0:0 path = content} (content
     * shown when short text), {@code l 0:0 path -> target}. Hard-linked files show {@code links=N}.
     */
    static List<String> describe(Path root) throws IOException {
        List<String[]> lines = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root)) {
                    lines.add(new String[] {root.relativize(dir).toString(), line(root, dir)});
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                lines.add(new String[] {root.relativize(file).toString(), line(root, file)});
                return FileVisitResult.CONTINUE;
            }
        });
        lines.sort((a, b) -> a[0].compareTo(b[0]));
        return lines.stream().map(l -> l[1]).toList();
    }

    static String line(Path root, Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:mode,uid,gid,nlink", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        String owner = a.get("uid") + ":" + a.get("gid");
        String relative = root.relativize(path).toString();
        return switch (mode & 0170000) {
            case 0040000 -> "d " + octal(mode) + " " + owner + " " + relative;
            case 0120000 -> "l " + owner + " " + relative + " -> " + Files.readSymbolicLink(path);
            default -> {
                byte[] content = Files.readAllBytes(path);
                String text = new String(content, StandardCharsets.UTF_8);
                boolean printable = content.length <= 64 && text.chars().allMatch(c -> c >= 32 && c < 127 || c == '\n');
                int links = (Integer) a.get("nlink");
                yield "f " + octal(mode) + " " + owner + " " + relative
                        + (printable ? " = " + text.replace("\n", "\\n") : " (" + content.length + " bytes)")
                        + (links > 1 ? " links=" + links : "");
            }
        };
    }

    private static String octal(int mode) {
        return String.format("%04o", mode & 07777);
    }

    static Path file(Path root, String relative, String content, int mode) throws IOException {
        Path path = root.resolve(relative);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        chmod(path, mode);
        return path;
    }

    static Path dir(Path root, String relative, int mode) throws IOException {
        Path path = root.resolve(relative);
        Files.createDirectories(path);
        chmod(path, mode);
        return path;
    }

    static Path symlink(Path root, String relative, String target) throws IOException {
        Path path = root.resolve(relative);
        Files.createDirectories(path.getParent());
        return Files.createSymbolicLink(path, Path.of(target));
    }

    static void chmod(Path path, int mode) throws IOException {
        Files.setAttribute(path, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
    }

    static void chown(Path path, int uid, int gid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }
}
