package dev.berth.runtime.sys;

import dev.berth.runtime.ContainerException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/** mkfifo(3) through the FFM API: the JDK cannot make a named pipe, and spawning mkfifo(1) costs a process. */
public final class Fifo {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MKFIFO = LINKER.downcallHandle(LINKER.defaultLookup().find("mkfifo").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private Fifo() {
    }

    public static void create(Path path, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) MKFIFO.invokeExact(arena.allocateFrom(path.toString()), mode);
            if (rc != 0) {
                throw new ContainerException("cannot create the named pipe " + path);
            }
        } catch (ContainerException e) {
            throw e;
        } catch (Throwable t) {
            throw new ContainerException("cannot create the named pipe " + path + ": " + t, t);
        }
    }
}
