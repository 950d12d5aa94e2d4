package dev.berth.oci.store;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.digest.DigestingInputStream;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code berth system check}: verifies the layout file, every blob's digest and every name's closure, and finds what
 * crashed writers left behind. With repair, removes corrupt blobs, stray files, dangling names and stale leases.
 */
public final class StoreCheck {
    private final ImageStore store;

    public StoreCheck(ImageStore store) {
        this.store = store;
    }

    /** One thing found wrong, and whether repair fixed it. */
    public record Problem(String kind, String subject, String detail, boolean repaired) {
    }

    /** What a check found. */
    public record Report(int blobsChecked, int namesChecked, List<Problem> problems) {
        public boolean consistent() {
            return problems.stream().allMatch(Problem::repaired);
        }
    }

    public Report run(boolean repair) {
        StorePaths paths = store.paths();
        List<Problem> problems = new ArrayList<>();
        // Hold both locks: no name changes and no blob commits while we judge (and maybe delete).
        try (var indexLock = FileLocks.acquire(paths.indexLock(), false);
                var gcLock = FileLocks.acquire(paths.gcLock(), false)) {
            checkLayoutFile(paths, repair, problems);
            Set<Digest> corrupt = new HashSet<>();
            int blobs = checkBlobs(paths, repair, problems, corrupt);
            int names = checkNames(repair, problems, corrupt);
            GarbageCollector.Leases leases = GarbageCollector.scanLeases(paths, repair);
            for (String id : leases.staleIds()) {
                problems.add(new Problem("stale-lease", id, "left by a writer that did not finish", repair));
            }
            if (leases.ingestRemoved() > 0) {
                problems.add(new Problem("partial-write", paths.ingest().toString(),
                        leases.ingestRemoved() + " unfinished blob file(s) from writers that died", repair));
            }
            return new Report(blobs, names, problems);
        } catch (IOException e) {
            throw new OciException("system check failed: " + e.getMessage(), e);
        }
    }

    private static void checkLayoutFile(StorePaths paths, boolean repair, List<Problem> problems) throws IOException {
        String expected = "{\"imageLayoutVersion\":\"" + MediaTypes.OCI_LAYOUT_VERSION + "\"}";
        boolean ok;
        try {
            var node = Json.tree(Files.readAllBytes(paths.ociLayoutFile()), "oci-layout");
            ok = MediaTypes.OCI_LAYOUT_VERSION.equals(node.path("imageLayoutVersion").asString(null));
        } catch (IOException | OciException e) {
            ok = false;
        }
        if (!ok) {
            if (repair) {
                AtomicFiles.write(paths.ociLayoutFile(), expected.getBytes(StandardCharsets.UTF_8));
            }
            problems.add(new Problem("layout", paths.ociLayoutFile().toString(), "missing or not " + expected, repair));
        }
    }

    private int checkBlobs(StorePaths paths, boolean repair, List<Problem> problems, Set<Digest> corrupt) throws IOException {
        int checked = 0;
        for (Path file : store.content().blobFiles()) {
            Digest digest;
            try {
                digest = new Digest(file.getParent().getFileName().toString(), file.getFileName().toString());
            } catch (OciException notADigest) {
                problems.add(new Problem("stray-file", file.toString(), "not named by a digest", repair));
                if (repair) {
                    deleteTree(file);
                }
                continue;
            }
            checked++;
            Digest actual;
            try (InputStream in = new DigestingInputStream(Files.newInputStream(file), digest.algorithm())) {
                DigestingInputStream din = (DigestingInputStream) in;
                din.transferTo(java.io.OutputStream.nullOutputStream());
                actual = din.digest();
            }
            if (!actual.equals(digest)) {
                corrupt.add(digest);
                problems.add(new Problem("corrupt-blob", digest.toString(), "content hashes to " + actual, repair));
                if (repair) {
                    Files.deleteIfExists(file);
                }
            }
        }
        return checked;
    }

    private int checkNames(boolean repair, List<Problem> problems, Set<Digest> corrupt) {
        List<NameIndex.Entry> entries;
        try {
            entries = store.names().read();
        } catch (OciException e) {
            problems.add(new Problem("index", store.paths().indexFile().toString(), e.getMessage(), false));
            return 0;
        }
        List<NameIndex.Entry> dangling = new ArrayList<>();
        for (NameIndex.Entry entry : entries) {
            List<String> missing = new ArrayList<>();
            String error = null;
            try {
                Set<Digest> reached = store.closure(entry.target(), missing);
                for (Digest d : reached) {
                    if (corrupt.contains(d)) {
                        missing.add(d + " (corrupt)");
                    }
                }
                if (missing.isEmpty() && entry.target().size() != store.content().size(entry.target().digest())) {
                    error = "descriptor size " + entry.target().size() + " differs from the blob's";
                }
            } catch (OciException e) {
                error = e.getMessage();
            }
            if (!missing.isEmpty() || error != null) {
                dangling.add(entry);
                String label = entry.named() ? entry.name() : entry.target().digest().toString();
                problems.add(new Problem("dangling-name", label,
                        error != null ? error : "missing " + String.join(", ", missing), repair));
            }
        }
        if (repair && !dangling.isEmpty()) {
            store.names().updateLocked(list -> {
                list.removeIf(dangling::contains);
                return list;
            });
        }
        return entries.size();
    }

    private static void deleteTree(Path path) throws IOException {
        if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var children = Files.list(path)) {
                for (Path child : children.toList()) {
                    deleteTree(child);
                }
            }
        }
        Files.deleteIfExists(path);
    }
}
