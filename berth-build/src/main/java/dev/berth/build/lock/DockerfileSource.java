package dev.berth.build.lock;

import dev.berth.build.BuildException;
import dev.berth.build.dockerfile.Dockerfile;
import dev.berth.build.dockerfile.DockerfileParser;
import dev.berth.oci.digest.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A Dockerfile read once: its bytes' digest (what the lock pins) and the parse of those same bytes.
 *
 * @param name the file name the lock records ({@code Dockerfile})
 */
record DockerfileSource(Path path, String name, Digest sha256, Dockerfile parsed) {
    static DockerfileSource read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new BuildException("the Dockerfile " + path + " does not exist");
        } catch (IOException e) {
            throw new BuildException("cannot read the Dockerfile " + path + ": " + e.getMessage(), e);
        }
        Dockerfile parsed = DockerfileParser.parse(path.toString(), new String(bytes, StandardCharsets.UTF_8));
        return new DockerfileSource(path, path.getFileName().toString(), Digest.sha256(bytes), parsed);
    }
}
