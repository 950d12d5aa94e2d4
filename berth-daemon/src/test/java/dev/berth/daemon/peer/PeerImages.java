package dev.berth.daemon.peer;

import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import dev.berth.oci.json.Json;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.layer.LayerOptions;
import dev.berth.oci.layer.LayerWriter;
import dev.berth.oci.layer.WrittenLayer;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.BlobWriter;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The images both engines run, from Debian's static busybox: one layer with the applets, /etc/passwd and /etc/group
 * (root; alice 1000:1000, also in group staff 50), and configurations that differ only in what Docker's run semantics
 * read: Env, Cmd, Entrypoint, User, WorkingDir.
 */
final class PeerImages {
    /** No entrypoint; CMD is a shell command; PATH and one variable of the image's own. */
    static final String PLAIN = "berth-peer/plain:1";
    /** ENTRYPOINT ["echo", "entry"] and CMD ["from", "cmd"]. */
    static final String ENTRY = "berth-peer/entry:1";
    /** USER alice and WORKDIR /srv. */
    static final String ALICE = "berth-peer/alice:1";
    static final List<String> ALL = List.of(PLAIN, ENTRY, ALICE);

    static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Path BUSYBOX = Path.of("/usr/bin/busybox");
    private static final List<String> APPLETS = List.of("sh", "echo", "cat", "ls", "id", "hostname", "pwd", "env", "sleep",
            "true", "false", "sort", "kill");

    private PeerImages() {
    }

    /** Stores the three images under their names. */
    static void build(ImageStore store) {
        if (!Files.isExecutable(BUSYBOX)) {
            fail(BUSYBOX + " is missing: install the Debian package busybox-static (scripts/install-deps)");
        }
        List<LayerEntry> entries = new ArrayList<>(List.of(
                LayerEntry.directory("bin", 0755), LayerEntry.directory("etc", 0755), LayerEntry.directory("tmp", 01777),
                LayerEntry.directory("root", 0700), LayerEntry.directory("home", 0755),
                LayerEntry.directory("home/alice", 0755), LayerEntry.directory("srv", 0755),
                LayerEntry.file("bin/busybox", BUSYBOX, 0755),
                LayerEntry.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n"
                        .getBytes(StandardCharsets.UTF_8), 0644),
                LayerEntry.file("etc/group", "root:x:0:\nstaff:x:50:alice\nalice:x:1000:\n".getBytes(StandardCharsets.UTF_8),
                        0644)));
        for (String applet : APPLETS) {
            entries.add(LayerEntry.symlink("bin/" + applet, "busybox"));
        }
        try (Lease lease = store.lease()) {
            Descriptor layer;
            String diffId;
            try (BlobWriter writer = lease.writer()) {
                WrittenLayer written = LayerWriter.writeEntries(entries, writer, LayerOptions.defaults().withMtime(1704067200L));
                layer = writer.commit(written.blob().mediaType(), written.blob().digest(), written.blob().size());
                diffId = written.diffId().toString();
            }
            List<String> env = List.of(PATH, "IMAGE_VAR=from-image");
            tag(store, lease, PLAIN, layer, diffId, config(null, env, null, List.of("sh", "-c", "echo default command"), null));
            tag(store, lease, ENTRY, layer, diffId, config(null, env, List.of("echo", "entry"), List.of("from", "cmd"), null));
            tag(store, lease, ALICE, layer, diffId, config("alice", env, null, List.of("sh", "-c", "id; pwd"), "/srv"));
        }
    }

    private static ContainerConfig config(String user, List<String> env, List<String> entrypoint, List<String> cmd,
            String workingDir) {
        return new ContainerConfig(user, null, env, entrypoint, cmd, null, workingDir, null, null, null, null, null, null);
    }

    private static void tag(ImageStore store, Lease lease, String name, Descriptor layer, String diffId, ContainerConfig run) {
        ImageConfig config = new ImageConfig("2024-01-01T00:00:00Z", null, Platform.host().architecture(), "linux", null,
                null, null, run, ImageConfig.RootFs.layers(List.of(diffId)), List.of());
        Descriptor configDescriptor = lease.put(MediaTypes.OCI_CONFIG, Json.canonicalBytes(config));
        Descriptor manifest = lease.put(MediaTypes.OCI_MANIFEST,
                Json.canonicalBytes(Manifest.oci(configDescriptor, List.of(layer), null)));
        store.tag(Reference.parse(name), manifest);
    }
}
