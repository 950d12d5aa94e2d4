package dev.berth.runtime.bundle;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** The host's libseccomp (the one runc links), called through the FFM API to check syscall names as runc will. */
@SuppressWarnings("restricted") // the tests run with --enable-native-access (see the module pom)
final class Libseccomp implements AutoCloseable {
    /** libseccomp's __NR_SCMP_ERROR: the name is unknown on every architecture. */
    static final int NR_ERROR = -1;

    private final Arena arena = Arena.ofConfined();
    private final MethodHandle resolveName;
    private final MethodHandle resolveNumArch;
    private final MethodHandle archResolveName;
    private final MethodHandle free;

    Libseccomp() {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup("libseccomp.so.2", arena);
        resolveName = linker.downcallHandle(lib.findOrThrow("seccomp_syscall_resolve_name"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        resolveNumArch = linker.downcallHandle(lib.findOrThrow("seccomp_syscall_resolve_num_arch"),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        archResolveName = linker.downcallHandle(lib.findOrThrow("seccomp_arch_resolve_name"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        free = linker.downcallHandle(linker.defaultLookup().findOrThrow("free"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    }

    /** The native architecture's number for a name, a negative pseudo-number for another architecture's, or -1. */
    int resolve(String name) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            return (int) resolveName.invokeExact(a.allocateFrom(name));
        }
    }

    /** libseccomp's token for an architecture name such as "x86_64" or "x86"; 0 if unknown. */
    int arch(String name) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            return (int) archResolveName.invokeExact(a.allocateFrom(name));
        }
    }

    /** The name of system call {@code number} on an architecture, or null. */
    String name(int archToken, int number) throws Throwable {
        MemorySegment p = (MemorySegment) resolveNumArch.invokeExact(archToken, number);
        if (p.equals(MemorySegment.NULL)) {
            return null;
        }
        try {
            return p.reinterpret(256).getString(0);
        } finally {
            free.invokeExact(p);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
