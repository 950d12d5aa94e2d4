package dev.berth.model.packaging.base;

import dev.berth.model.ModelException;
import dev.berth.model.packaging.Command;
import dev.berth.model.packaging.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds and fetches Debian packages with the host's apt: {@code apt-cache show} says which version the archive offers
 * and its sha256 (from apt's verified index), {@code apt-get download} fetches the .deb from the configured mirror
 * into a cache, and the digest is checked before a package is used. Nothing is installed on the host.
 */
public final class DebianPackages {
    private final Path cache;

    /** Downloads go to {@code cache}; a .deb there whose digest matches is never fetched again. */
    public DebianPackages(Path cache) {
        this.cache = cache;
    }

    /**
     * The archive's candidate versions of {@code names}, plus the {@code gcc-*-base} packages they depend on (they hold
     * the copyright files the others' documentation links to).
     */
    public List<DebPackage> resolve(List<String> names) {
        Shown shown = show(names);
        List<DebPackage> packages = new ArrayList<>(shown.packages().values());
        List<String> extra = shown.depends().stream()
                .filter(d -> d.matches("gcc-\\d+-base") && !names.contains(d)).distinct().toList();
        if (!extra.isEmpty()) {
            packages.addAll(show(extra).packages().values());
        }
        return List.copyOf(packages);
    }

    /** The .deb of a package, from the cache or downloaded into it, its sha256 checked. */
    public Path fetch(DebPackage pkg) {
        Path cached = cache.resolve(pkg.name() + "_" + pkg.version().replace(':', '%') + "_" + pkg.architecture() + ".deb");
        if (Files.isRegularFile(cached) && sha256(cached).equals(pkg.sha256())) {
            return cached;
        }
        try {
            Files.createDirectories(cache);
            Path work = Files.createTempDirectory(cache, "download-");
            try {
                List<String> argv = new ArrayList<>(List.of("apt-get", "-q"));
                if ("root".equals(System.getProperty("user.name"))) {
                    argv.addAll(List.of("-o", "APT::Sandbox::User=root")); // _apt could not write to this directory
                }
                argv.addAll(List.of("download", pkg.pinned()));
                Command.Result result = Command.run(argv, work, 600, "download " + pkg.pinned());
                if (!result.ok()) {
                    throw new ModelException("cannot download the Debian package " + pkg.pinned() + " for the model image's "
                            + "base: apt-get download exited with " + result.exit() + lastLines(result.err())
                            + ". The base is made from Debian's packages, so Debian's mirror must be reachable (or name a base "
                            + "image that is in the store with --base)");
                }
                Path downloaded;
                try (Stream<Path> files = Files.list(work)) {
                    downloaded = files.filter(f -> f.getFileName().toString().endsWith(".deb")).findFirst()
                            .orElseThrow(() -> new ModelException("apt-get download " + pkg.pinned() + " left no .deb file"));
                }
                String actual = sha256(downloaded);
                if (!actual.equals(pkg.sha256())) {
                    throw new ModelException("the downloaded " + pkg.pinned() + " has sha256 " + actual + ", not the "
                            + pkg.sha256() + " apt's index lists: refusing it");
                }
                Files.move(downloaded, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return cached;
            } finally {
                deleteTree(work);
            }
        } catch (IOException e) {
            throw new ModelException("cannot download " + pkg.pinned() + " into " + cache + ": " + e.getMessage(), e);
        }
    }

    /** What {@code apt-cache show} says: the packages, in the order asked for, and the names they depend on. */
    private record Shown(Map<String, DebPackage> packages, List<String> depends) {
    }

    private Shown show(List<String> names) {
        List<String> argv = new ArrayList<>(List.of("apt-cache", "show", "--no-all-versions"));
        argv.addAll(names);
        Command.Result result = Command.run(argv, null, 120, "look up the Debian packages of the model image's base");
        Map<String, DebPackage> found = parse(result.out());
        List<String> missing = names.stream().filter(n -> !found.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw new ModelException("apt does not know the Debian package(s) " + String.join(", ", missing)
                    + " needed for the model image's base" + lastLines(result.err())
                    + ". Its package lists may be missing: scripts/install-deps runs apt-get update (or name a base image "
                    + "with --base)");
        }
        Map<String, DebPackage> ordered = new LinkedHashMap<>();
        for (String name : names) {
            ordered.put(name, found.get(name));
        }
        return new Shown(ordered, depends(result.out()));
    }

    private static List<String> depends(String aptCacheShow) {
        List<String> depends = new ArrayList<>();
        for (String line : aptCacheShow.lines().toList()) {
            if (line.startsWith("Depends:") || line.startsWith("Pre-Depends:")) {
                for (String alternative : line.substring(line.indexOf(':') + 1).split("[,|]")) {
                    String name = alternative.strip().split("[\\s(:]")[0];
                    if (!name.isEmpty()) {
                        depends.add(name);
                    }
                }
            }
        }
        return depends;
    }

    /** Stanzas of {@code apt-cache show}: one per package, fields "Key: value". */
    static Map<String, DebPackage> parse(String aptCacheShow) {
        Map<String, DebPackage> packages = new LinkedHashMap<>();
        for (String stanza : aptCacheShow.split("\n\n")) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : stanza.lines().toList()) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith(" ")) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
                }
            }
            String name = fields.get("Package");
            if (name != null && fields.containsKey("Version") && fields.containsKey("SHA256")) {
                packages.putIfAbsent(name, new DebPackage(name, fields.get("Version"), fields.getOrDefault("Architecture", "amd64"),
                        fields.get("SHA256"), fields.getOrDefault("Filename", "")));
            }
        }
        return packages;
    }

    static String sha256(Path file) {
        return Hashing.sha256(file);
    }

    private static String lastLines(String text) {
        List<String> lines = text.strip().lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : " (" + String.join("; ", lines.subList(Math.max(0, lines.size() - 3), lines.size())) + ")";
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
