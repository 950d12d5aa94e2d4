package dev.berth.oci.layer;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * Whiteouts in the form overlayfs reads them, for layers unpacked one directory each and stacked as overlay lower
 * directories: a removed file is a character device 0/0 with the removed name, and an opaque directory carries the
 * extended attribute {@code trusted.overlay.opaque=y}. The JDK can make neither (it cannot mknod, and its extended
 * attribute view only writes the {@code user.} namespace), so both are libc calls through the FFM API.
 */
final class OverlayWhiteouts {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final MethodHandle MKNOD = LINKER.downcallHandle(LINKER.defaultLookup().find("mknod").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
            CAPTURE_ERRNO);
    private static final MethodHandle LSETXATTR = LINKER.downcallHandle(LINKER.defaultLookup().find("lsetxattr").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
            CAPTURE_ERRNO);
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final int S_IFCHR = 0020000;

    private OverlayWhiteouts() {
    }

    /** A character device 0/0 at {@code path}: overlayfs hides the lower layers' file of that name. */
    static void whiteout(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) MKNOD.invokeExact(state, arena.allocateFrom(path.toString()), S_IFCHR, 0L);
            check(rc, state, "cannot create whiteout " + path);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("cannot create whiteout " + path + ": " + t, t);
        }
    }

    /** Marks {@code dir} opaque: overlayfs shows none of the lower layers' entries below it. */
    static void opaque(Path dir) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment value = arena.allocateFrom("y");
            int rc = (int) LSETXATTR.invokeExact(state, arena.allocateFrom(dir.toString()),
                    arena.allocateFrom("trusted.overlay.opaque"), value, 1L, 0);
            check(rc, state, "cannot mark " + dir + " opaque");
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("cannot mark " + dir + " opaque: " + t, t);
        }
    }

    private static void check(int rc, MemorySegment state, String what) throws Throwable {
        if (rc != 0) {
            int errno = (int) ERRNO.get(state, 0L);
            MemorySegment message = (MemorySegment) STRERROR.invokeExact(errno);
            throw new IOException(what + ": " + message.reinterpret(256).getString(0));
        }
    }
}
