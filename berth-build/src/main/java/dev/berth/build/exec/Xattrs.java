package dev.berth.build.exec;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads extended attributes in the {@code trusted.} namespace, which the JDK's attribute views cannot reach:
 * overlayfs marks an opaque directory in its upper directory with {@code trusted.overlay.opaque=y}.
 */
final class Xattrs {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle LGETXATTR = LINKER.downcallHandle(LINKER.defaultLookup().find("lgetxattr").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG));

    private Xattrs() {
    }

    /** The attribute's value as text, or null when the file does not have it. */
    static String get(Path path, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(256);
            long n = (long) LGETXATTR.invokeExact(arena.allocateFrom(path.toString()), arena.allocateFrom(name), value, 256L);
            if (n < 0) {
                return null; // ENODATA (absent) or an attribute we cannot read: either way not set for us
            }
            byte[] bytes = value.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw new IllegalStateException("lgetxattr failed on " + path + ": " + t, t);
        }
    }

    /** Whether overlayfs marked this upper directory opaque (the lower layers' entries below it are hidden). */
    static boolean isOpaque(Path dir) {
        return "y".equals(get(dir, "trusted.overlay.opaque"));
    }
}
