package dev.berth.oci.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Manifest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Berth writes (manifests, configs, the store's index.json and oci-layout) validated against the OCI image-spec
 * v1.1 JSON schemas kept in ../shared/oci-image-spec-schema.
 */
class OciSchemaConformanceTest {
    private static Path schemas;
    private static JsonSchemaFactory factory;
    private static final ObjectMapper JACKSON2 = new ObjectMapper();

    @TempDir
    Path root;

    @BeforeAll
    static void findSchemas() {
        String repo = System.getenv().getOrDefault("BERTH_REPO_ROOT", Path.of("").toAbsolutePath().getParent().toString());
        schemas = Path.of(repo).resolve("../shared/oci-image-spec-schema").normalize();
        assumeTrue(Files.isRegularFile(schemas.resolve("image-manifest-schema.json")),
                "the OCI image-spec schemas are absent from " + schemas + ": schema conformance NOT checked");
        String dir = schemas.toUri().toString();
        factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4, builder -> builder.schemaMappers(m -> m
                .mapPrefix("https://opencontainers.org/schema/image/", dir)
                .mapPrefix("https://opencontainers.org/schema/", dir)));
    }

    private static Set<ValidationMessage> validate(String schemaFile, byte[] json) throws Exception {
        JsonSchema schema;
        try (InputStream in = Files.newInputStream(schemas.resolve(schemaFile))) {
            schema = factory.getSchema(in);
        }
        JsonNode node = JACKSON2.readTree(json);
        return schema.validate(node);
    }

    @Test
    void manifestConfigIndexAndLayoutConform() throws Exception {
        ImageStore store = ImageStore.open(root);
        Descriptor manifestDescriptor = TestImages.named(store, "localhost:5001/conform:1", "schema");
        Manifest manifest = store.readManifest(manifestDescriptor.digest());

        assertThat(validate("image-manifest-schema.json", store.content().read(manifestDescriptor.digest()))).isEmpty();
        assertThat(validate("config-schema.json", store.content().read(manifest.config().digest()))).isEmpty();
        assertThat(validate("image-index-schema.json", Files.readAllBytes(store.paths().indexFile()))).isEmpty();
        assertThat(validate("image-layout-schema.json", Files.readAllBytes(store.paths().ociLayoutFile()))).isEmpty();
    }

    @Test
    void aSavedOciArchiveConforms() throws Exception {
        ImageStore store = ImageStore.open(root);
        TestImages.named(store, "localhost:5001/conform:2", "archived");
        var writer = new dev.berth.oci.archive.ImageArchiveWriter(store);
        var bytes = new java.io.ByteArrayOutputStream();
        writer.write(writer.select(java.util.List.of("localhost:5001/conform:2")), dev.berth.oci.archive.ArchiveFormat.OCI, bytes);
        java.util.Map<String, byte[]> files = new java.util.HashMap<>();
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.isFile()) {
                    files.put(e.getName().replaceFirst("^\\./", ""), tar.readAllBytes());
                }
            }
        }
        assertThat(files).containsKeys("index.json", "oci-layout");
        assertThat(validate("image-index-schema.json", files.get("index.json"))).isEmpty();
        assertThat(validate("image-layout-schema.json", files.get("oci-layout"))).isEmpty();
        for (var entry : files.entrySet()) {
            if (entry.getKey().startsWith("blobs/") && new String(entry.getValue(), java.nio.charset.StandardCharsets.UTF_8)
                    .contains("\"application/vnd.oci.image.manifest.v1+json\"")) {
                assertThat(validate("image-manifest-schema.json", entry.getValue())).isEmpty();
            }
        }
    }

    @Test
    void theValidatorRejectsABrokenManifest() throws Exception {
        // Proves the check above can fail: a manifest whose config digest is not a digest.
        String broken = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"nope\",\"size\":1},"
                + "\"layers\":[]}";
        assertThat(validate("image-manifest-schema.json", broken.getBytes())).isNotEmpty();
    }
}
