package dev.berth.runtime.sys;

import dev.berth.runtime.ContainerException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * mount(2) and umount2(2) through the FFM API. A container's root filesystem is mounted on the start path, where
 * spawning {@code mount(8)} would cost a process; the syscalls take microseconds.
 */
public final class Mounts {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final MethodHandle MOUNT = LINKER.downcallHandle(LINKER.defaultLookup().find("mount").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            CAPTURE_ERRNO);
    private static final MethodHandle UMOUNT2 = LINKER.downcallHandle(LINKER.defaultLookup().find("umount2").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final int MNT_DETACH = 2;
    private static final int EINVAL = 22;
    private static final int ENOENT = 2;

    private Mounts() {
    }

    /**
     * Mounts an overlay at {@code target}: {@code lowers} bottom layer first (overlayfs wants them top first, which
     * this reverses), changes going to {@code upper} through {@code work}.
     */
    public static void overlay(List<Path> lowers, Path upper, Path work, Path target) {
        List<String> topFirst = new ArrayList<>();
        for (Path lower : lowers.reversed()) {
            topFirst.add(escape(lower.toString()));
        }
        String options = "lowerdir=" + String.join(":", topFirst) + ",upperdir=" + escape(upper.toString()) + ",workdir="
                + escape(work.toString()) + ",index=off";
        if (options.getBytes(StandardCharsets.UTF_8).length >= 4096) {
            throw new ContainerException("cannot mount the root filesystem at " + target + ": the image has too many layers ("
                    + lowers.size() + ") for one overlay mount");
        }
        mount("overlay", target, "overlay", 0, options);
    }

    public static void mount(String source, Path target, String type, long flags, String data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment dataSegment = data == null ? MemorySegment.NULL : arena.allocateFrom(data);
            int rc = (int) MOUNT.invokeExact(state, arena.allocateFrom(source), arena.allocateFrom(target.toString()),
                    arena.allocateFrom(type), flags, dataSegment);
            if (rc != 0) {
                throw new ContainerException("cannot mount " + type + " at " + target + ": " + strerror((int) ERRNO.get(state, 0L)));
            }
        } catch (ContainerException e) {
            throw e;
        } catch (Throwable t) {
            throw new ContainerException("cannot mount " + type + " at " + target + ": " + t, t);
        }
    }

    /**
     * Lazily unmounts {@code target} (MNT_DETACH: a process still holding a file open there does not block the
     * container's removal). Returns false when nothing was mounted there.
     */
    public static boolean unmount(Path target) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) UMOUNT2.invokeExact(state, arena.allocateFrom(target.toString()), MNT_DETACH);
            if (rc == 0) {
                return true;
            }
            int errno = (int) ERRNO.get(state, 0L);
            if (errno == EINVAL || errno == ENOENT) {
                return false; // not a mount point, or already gone
            }
            throw new ContainerException("cannot unmount " + target + ": " + strerror(errno));
        } catch (ContainerException e) {
            throw e;
        } catch (Throwable t) {
            throw new ContainerException("cannot unmount " + target + ": " + t, t);
        }
    }

    /** Whether {@code path} is a mount point, from /proc/self/mountinfo (field 5 is the mount point, octal-escaped). */
    public static boolean isMountPoint(Path path) {
        String wanted = path.toAbsolutePath().normalize().toString();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] fields = line.split(" ", 6);
                if (fields.length > 4 && unescapeMountinfo(fields[4]).equals(wanted)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new ContainerException("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
    }

    /** Every mount point below {@code dir} (for leak checks and cleanup after a crash). */
    public static List<Path> mountPointsUnder(Path dir) {
        String prefix = dir.toAbsolutePath().normalize() + "/";
        List<Path> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] fields = line.split(" ", 6);
                if (fields.length > 4) {
                    String point = unescapeMountinfo(fields[4]);
                    if (point.startsWith(prefix)) {
                        found.add(Path.of(point));
                    }
                }
            }
        } catch (IOException e) {
            throw new ContainerException("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
        return found;
    }

    /** overlayfs splits its options at ',' and its lower directories at ':'; both are escaped with a backslash. */
    private static String escape(String path) {
        return path.replace("\\", "\\\\").replace(":", "\\:").replace(",", "\\,");
    }

    private static String unescapeMountinfo(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String strerror(int errno) throws Throwable {
        MemorySegment message = (MemorySegment) STRERROR.invokeExact(errno);
        return message.reinterpret(256).getString(0);
    }
}
