package dev.berth.kube.manifest;

import dev.berth.kube.KubeException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes manifests to a file (one YAML stream) or a directory (a file per object, {@code NAME-deployment.yaml} …), so
 * that {@code kubectl apply -f} takes either. Each file is written beside its target and moved into place, so a
 * failure leaves the old files or the new ones, never a half-written one.
 */
public final class ManifestWriter {
    private ManifestWriter() {
    }

    /** Writes to {@code target}; returns the files written (and, for a directory, removes the stale autoscaler file). */
    public static List<Path> write(ManifestSet manifests, Path target) {
        Map<Path, String> files = new LinkedHashMap<>();
        Path staleAutoscaler = null;
        if (Files.isDirectory(target)) {
            for (HasMetadata object : manifests.objects()) {
                files.put(target.resolve(fileName(manifests.name(), object.getKind())), ManifestSet.yaml(object));
            }
            if (manifests.autoscaler() == null) {
                staleAutoscaler = target.resolve(fileName(manifests.name(), "HorizontalPodAutoscaler"));
            }
        } else {
            Path parent = target.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new KubeException("cannot write " + target + ": directory " + parent + " does not exist");
            }
            files.put(target, manifests.yaml());
        }
        List<Path> temporaries = new ArrayList<>();
        try {
            for (Map.Entry<Path, String> file : files.entrySet()) {
                Path tmp = Files.createTempFile(file.getKey().toAbsolutePath().getParent(), ".berth-", ".yaml.tmp");
                temporaries.add(tmp);
                Files.writeString(tmp, file.getValue(), StandardCharsets.UTF_8);
            }
            int i = 0;
            for (Path destination : files.keySet()) {
                move(temporaries.get(i++), destination);
            }
            if (staleAutoscaler != null) {
                // the model is no longer autoscaled: `kubectl apply -f DIR` must not bring the old autoscaler back
                Files.deleteIfExists(staleAutoscaler);
            }
        } catch (IOException e) {
            throw new KubeException("cannot write manifests to " + target + ": " + e.getMessage(), e);
        } finally {
            for (Path tmp : temporaries) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a leftover hidden temporary file does no harm
                }
            }
        }
        return List.copyOf(files.keySet());
    }

    static String fileName(String name, String kind) {
        String suffix = switch (kind) {
            case "HorizontalPodAutoscaler" -> "hpa";
            default -> kind.toLowerCase(Locale.ROOT);
        };
        return name + "-" + suffix + ".yaml";
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
