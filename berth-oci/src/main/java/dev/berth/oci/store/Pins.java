package dev.berth.oci.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.oci.OciException;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Images in use outside the name index: a container keeps its image's manifest, config and layers alive after the
 * image's last name is removed, as Docker keeps a container's image. Each pin is a file under {@code ROOT/pins}, named
 * by its holder, written and removed under the index lock, so garbage collection (which reads pins under that lock)
 * never sees an image half-pinned.
 */
public final class Pins {
    private static final Pattern HOLDER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final StorePaths paths;

    Pins(StorePaths paths) {
        this.paths = paths;
    }

    /** One pin: who holds it (a container ID), what for (shown in rmi's refusal), and the image root it keeps. */
    public record Pin(@JsonProperty("holder") String holder, @JsonProperty("description") String description,
                      @JsonProperty("root") Descriptor root) {
    }

    public void pin(String holder, String description, Descriptor root) {
        if (!HOLDER.matcher(holder).matches()) {
            throw new OciException("invalid pin holder '" + holder + "'");
        }
        try (var lock = FileLocks.acquire(paths.indexLock(), false)) {
            Files.createDirectories(paths.pins());
            AtomicFiles.write(paths.pins().resolve(holder), Json.canonicalBytes(new Pin(holder, description, root)));
        } catch (IOException e) {
            throw new OciException("cannot pin " + root.digest() + ": " + e.getMessage(), e);
        }
    }

    public void unpin(String holder) {
        try (var lock = FileLocks.acquire(paths.indexLock(), false)) {
            Files.deleteIfExists(paths.pins().resolve(holder));
        } catch (IOException e) {
            throw new OciException("cannot remove the pin of " + holder + ": " + e.getMessage(), e);
        }
    }

    /** Every pin; callers that need a stable view hold the index lock. */
    public List<Pin> list() {
        if (!Files.isDirectory(paths.pins())) {
            return List.of();
        }
        List<Pin> pins = new ArrayList<>();
        try (Stream<Path> files = Files.list(paths.pins())) {
            for (Path file : files.sorted().toList()) {
                if (!file.getFileName().toString().startsWith(".")) {
                    pins.add(Json.read(Files.readAllBytes(file), Pin.class, "pin " + file.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new OciException("cannot read " + paths.pins() + ": " + e.getMessage(), e);
        }
        return pins;
    }
}
