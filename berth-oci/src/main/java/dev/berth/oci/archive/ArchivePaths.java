package dev.berth.oci.archive;

import dev.berth.oci.OciException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Names inside an image archive. They are normalized ({@code ./a//b/} is {@code a/b}) and must stay inside the
 * archive: an absolute name, or one whose {@code ..} climbs above the archive's top, is refused, as is a link whose
 * target does.
 */
final class ArchivePaths {
    private ArchivePaths() {
    }

    /** The normalized form of an entry name; refuses names that leave the archive. */
    static String normalize(String name) {
        if (name == null || name.isEmpty()) {
            throw new OciException("archive has an entry with an empty name");
        }
        if (name.indexOf('\0') >= 0) {
            throw new OciException("archive entry '" + printable(name) + "' has a NUL character in its name");
        }
        if (name.startsWith("/")) {
            throw new OciException("archive entry '" + printable(name) + "' has an absolute path; refused (path traversal)");
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new OciException("archive entry '" + printable(name) + "' contains '..'; refused (path traversal)");
            }
            parts.addLast(part);
        }
        return String.join("/", parts);
    }

    /** Where a symbolic link at {@code linkName} with text {@code target} points, as an archive name. */
    static String resolveSymlink(String linkName, String target) {
        if (target == null || target.isEmpty() || target.startsWith("/")) {
            throw new OciException("archive entry '" + printable(linkName) + "' is a symbolic link to '" + printable(String.valueOf(target))
                    + "', outside the archive; refused (path traversal)");
        }
        Deque<String> parts = new ArrayDeque<>();
        int slash = linkName.lastIndexOf('/');
        if (slash > 0) {
            for (String part : linkName.substring(0, slash).split("/")) {
                parts.addLast(part);
            }
        }
        for (String part : target.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new OciException("archive entry '" + printable(linkName) + "' is a symbolic link to '" + printable(target)
                            + "', outside the archive; refused (path traversal)");
                }
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        return String.join("/", parts);
    }

    /** A name as it may be shown in a message: control characters escaped. */
    static String printable(String name) {
        StringBuilder b = new StringBuilder();
        name.codePoints().limit(300).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
