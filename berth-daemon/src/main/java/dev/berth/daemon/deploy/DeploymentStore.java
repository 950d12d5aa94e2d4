package dev.berth.daemon.deploy;

import dev.berth.daemon.EngineException;
import dev.berth.oci.OciException;
import dev.berth.oci.json.Json;
import dev.berth.oci.store.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Deployments on disk, one JSON file each under {@code ROOT/deployments}, replaced atomically and durably. */
final class DeploymentStore {
    private static final System.Logger LOG = System.getLogger(DeploymentStore.class.getName());
    private final Path dir;

    DeploymentStore(Path root) {
        this.dir = root.resolve("deployments");
    }

    Path dir() {
        return dir;
    }

    void save(Deployment deployment) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(file(deployment.name()), Json.canonicalBytes(deployment));
        } catch (IOException | OciException e) {
            throw new EngineException("cannot save deployment " + deployment.name() + ": " + e.getMessage(), e);
        }
    }

    void delete(String name) {
        try {
            Files.deleteIfExists(file(name));
            AtomicFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            throw new EngineException("cannot delete deployment " + name + ": " + e.getMessage(), e);
        }
    }

    /** Every readable deployment; an unreadable file is logged and skipped, never a reason to refuse to start. */
    List<Deployment> loadAll() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Deployment> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String fileName = file.getFileName().toString();
                if (fileName.startsWith(".") || !fileName.endsWith(".json")) {
                    continue;
                }
                try {
                    all.add(Json.read(Files.readAllBytes(file), Deployment.class, "deployment " + fileName));
                } catch (IOException | OciException e) {
                    LOG.log(System.Logger.Level.WARNING, "skipping unreadable deployment " + file + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new EngineException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        return all;
    }

    private Path file(String name) {
        return dir.resolve(name + ".json");
    }
}
