package dev.berth.tiny.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Compiles the test blocks in {@code src/test/resources/wasm/block.c} to WebAssembly with Debian's clang, lld and
 * wasi-libc (scripts/install-deps installs them). Tests that need a block are skipped, saying so, without them.
 */
public final class WasmBlocks {
    private WasmBlocks() {
    }

    /** Compiles block {@code name} (IDENTITY, DOUBLE, SPIN, GREEDY, TRAP, PRINTS) to {@code out}. */
    public static Path compile(String name, Path out) {
        Path source = Path.of("src/test/resources/wasm/block.c").toAbsolutePath();
        List<String> command = List.of("clang", "--target=wasm32-wasi", "-O2", "-mexec-model=reactor", "-Wl,--strip-all",
                "-Wl,-z,stack-size=16384", "-Wl,--initial-memory=131072", "-DBLOCK_" + name, source.toString(),
                "-o", out.toString());
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            assumeTrue(done && p.exitValue() == 0, "clang could not build the WebAssembly test block (install clang lld "
                    + "wasi-libc libclang-rt-14-dev-wasm32): the WebAssembly checks are NOT run. " + log);
        } catch (IOException e) {
            assumeTrue(false, "clang is not installed (scripts/install-deps): the WebAssembly checks are NOT run");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assumeTrue(Files.isRegularFile(out), "clang produced no module");
        return out;
    }
}
