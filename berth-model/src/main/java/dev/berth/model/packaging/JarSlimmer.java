package dev.berth.model.packaging;

import dev.berth.model.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Takes what a linux/amd64 server does not need out of its jars: native libraries built for other systems (macOS,
 * Windows, ARM …) and their debug symbols. ONNX Runtime's own natives leave its jar altogether and go to a directory
 * the server names with {@code -Donnxruntime.native.path}, so nothing is unpacked to /tmp when it starts. A jar that
 * loses nothing is used as it is; a rewritten one keeps its entries' order and times, so the same jar always gives the
 * same bytes.
 */
final class JarSlimmer {
    /** Where ONNX Runtime's jar keeps its natives, one directory per platform. */
    static final String ORT_NATIVE = "ai/onnxruntime/native/";
    static final String ORT_LINUX_X64 = ORT_NATIVE + "linux-x64/";

    private JarSlimmer() {
    }

    /** A jar as it goes into the image, and the native libraries taken out of it for the native directory. */
    record Slimmed(Path jar, List<Path> natives) {
    }

    static Slimmed slim(Path jar, Path workDir) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<ZipEntry> keep = new ArrayList<>();
            List<ZipEntry> extract = new ArrayList<>();
            boolean signed = false;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String name = entry.getName();
                signed |= name.startsWith("META-INF/") && name.toUpperCase(Locale.ROOT).endsWith(".SF");
                if (name.startsWith(ORT_NATIVE)) {
                    if (name.startsWith(ORT_LINUX_X64) && !entry.isDirectory() && name.endsWith(".so")) {
                        extract.add(entry);
                    }
                } else if (!isForeignNative(name)) {
                    keep.add(entry);
                }
            }
            if (keep.size() + extract.size() < zip.size()) {
                keep = withoutEmptiedDirectories(keep);
            }
            List<Path> natives = new ArrayList<>();
            for (ZipEntry entry : extract) {
                Path out = Files.createDirectories(workDir.resolve("native")).resolve(Path.of(entry.getName()).getFileName().toString());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, out);
                }
                natives.add(out);
            }
            int total = zip.size();
            if (keep.size() == total) {
                return new Slimmed(jar, natives);
            }
            if (signed) {
                // Removing entries would break the signature: a signed jar goes in whole.
                return new Slimmed(jar, natives);
            }
            Path out = Files.createDirectories(workDir.resolve("jars")).resolve(jar.getFileName().toString());
            try (OutputStream file = Files.newOutputStream(out); ZipOutputStream zout = new ZipOutputStream(file)) {
                zout.setLevel(6);
                for (ZipEntry entry : keep) {
                    ZipEntry copy = new ZipEntry(entry.getName());
                    copy.setTimeLocal(entry.getTimeLocal()); // as stored, whatever the time zone of this JVM
                    zout.putNextEntry(copy);
                    if (!entry.isDirectory()) {
                        try (InputStream in = zip.getInputStream(entry)) {
                            in.transferTo(zout);
                        }
                    }
                    zout.closeEntry();
                }
            }
            return new Slimmed(out, natives);
        } catch (IOException e) {
            throw new ModelException("cannot read the model server's jar " + jar + ": " + e.getMessage(), e);
        }
    }

    /** Directory entries that held only what was taken out ("darwin/aarch64/") go too. */
    private static List<ZipEntry> withoutEmptiedDirectories(List<ZipEntry> kept) {
        List<String> files = kept.stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName).toList();
        return kept.stream().filter(e -> !e.isDirectory() || files.stream().anyMatch(f -> f.startsWith(e.getName()))
                || e.getName().equals("META-INF/")).toList();
    }

    /** A native library (or its debug symbols) whose path says it is for another system than linux/amd64. */
    static boolean isForeignNative(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        boolean debugSymbols = lower.contains(".dsym/");
        boolean nativeLibrary = lower.endsWith(".so") || lower.matches(".*\\.so\\.\\d+(\\.\\d+)*") || lower.endsWith(".dylib")
                || lower.endsWith(".dll") || lower.endsWith(".jnilib");
        if (debugSymbols) {
            return true;
        }
        if (!nativeLibrary) {
            return false;
        }
        if (lower.endsWith(".dylib") || lower.endsWith(".dll") || lower.endsWith(".jnilib")) {
            return true;
        }
        List<String> segments = List.of(lower.split("[/_.-]"));
        boolean otherOs = segments.stream().anyMatch(s -> s.equals("darwin") || s.equals("osx") || s.equals("macos")
                || s.equals("mac") || s.equals("win") || s.equals("windows") || s.equals("freebsd") || s.equals("aix")
                || s.equals("sunos") || s.equals("solaris"));
        boolean otherArch = segments.stream().anyMatch(s -> s.equals("aarch64") || s.equals("arm64") || s.equals("arm")
                || s.equals("armhf") || s.equals("armv7") || s.equals("ppc64") || s.equals("ppc64le") || s.equals("s390x")
                || s.equals("riscv64") || s.equals("loongarch64") || s.equals("mips64") || s.equals("i386") || s.equals("x86")
                || s.equals("musl"));
        return otherOs || otherArch;
    }
}
