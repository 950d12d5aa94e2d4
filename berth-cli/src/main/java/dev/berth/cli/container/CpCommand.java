package dev.berth.cli.container;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.daemon.EngineException;
import dev.berth.daemon.client.EngineClient;
import dev.berth.oci.layer.ExtractOptions;
import dev.berth.oci.layer.LayerExtractor;
import dev.berth.oci.layer.TreeTar;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code berth cp CONTAINER:SRC DEST} and {@code berth cp SRC CONTAINER:DEST}, as docker cp: into an existing
 * directory the source keeps its name, otherwise it takes the destination's. Files copied in belong to root.
 */
@Command(name = "cp", description = "Copy files between a container and the host.", mixinStandardHelpOptions = true)
public final class CpCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", paramLabel = "SRC")
    String source;
    @Parameters(index = "1", paramLabel = "DEST")
    String destination;

    @Override
    public Integer call() throws IOException {
        int s = source.indexOf(':');
        int d = destination.indexOf(':');
        boolean fromContainer = s > 0 && !source.startsWith("/") && !source.startsWith(".");
        boolean toContainer = d > 0 && !destination.startsWith("/") && !destination.startsWith(".");
        if (fromContainer == toContainer) {
            throw new CommandFailure("copying between containers or between host paths is not supported: one of SRC and DEST"
                    + " must be CONTAINER:PATH", ExitCodes.FAILURE);
        }
        EngineClient client = DaemonConnection.client();
        try {
            if (fromContainer) {
                copyOut(client, source.substring(0, s), source.substring(s + 1), Path.of(destination));
            } else {
                copyIn(client, Path.of(source), destination.substring(0, d), destination.substring(d + 1));
            }
        } catch (EngineException e) {
            throw new CommandFailure(e.getMessage(), ExitCodes.FAILURE);
        }
        return 0;
    }

    private static void copyOut(EngineClient client, String container, String path, Path dest) throws IOException {
        String abs = path.startsWith("/") ? path : "/" + path;
        try (EngineClient.Response r = client.send("GET", "/containers/" + Api.enc(container) + "/archive?path=" + Api.enc(abs), null)) {
            if (r.status >= 400) {
                EngineClient.check(r, r.readAll());
            }
            Path target;
            String renameTo = null;
            if (Files.isDirectory(dest)) {
                target = dest;
            } else {
                Path parent = dest.toAbsolutePath().getParent();
                if (parent == null || !Files.isDirectory(parent)) {
                    throw new CommandFailure("destination directory " + parent + " does not exist", ExitCodes.FAILURE);
                }
                target = parent;
                renameTo = dest.getFileName().toString();
            }
            if (renameTo == null) {
                LayerExtractor.extract(r.body, target, ExtractOptions.defaults().withOwnership(false));
            } else {
                // extract into a scratch directory beside the destination, then give the copy its new name
                Path scratch = Files.createTempDirectory(target, ".berth-cp-");
                try {
                    LayerExtractor.extract(r.body, scratch, ExtractOptions.defaults().withOwnership(false));
                    try (Stream<Path> top = Files.list(scratch)) {
                        Path only = top.findFirst().orElseThrow(() -> new CommandFailure("nothing was copied", ExitCodes.FAILURE));
                        Files.move(only, target.resolve(renameTo), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                } finally {
                    deleteTree(scratch);
                }
            }
        }
    }

    private static void copyIn(EngineClient client, Path src, String container, String path) throws IOException {
        if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
            throw new CommandFailure("could not find the file " + src + " on the host", ExitCodes.FAILURE);
        }
        String abs = path.startsWith("/") ? path : "/" + path;
        Map<?, ?> stat = client.call("GET", "/containers/" + Api.enc(container) + "/archive?stat=1&path=" + Api.enc(abs), null, Map.class);
        String dir;
        String name;
        if (Boolean.TRUE.equals(stat.get("directory"))) {
            dir = abs;
            name = src.toAbsolutePath().normalize().getFileName().toString();
        } else {
            Path p = Path.of(abs);
            dir = p.getParent() == null ? "/" : p.getParent().toString();
            name = p.getFileName().toString();
        }
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        TreeTar.write(src, name, 0, tar); // files copied in belong to root, as docker cp
        put(client, "/containers/" + Api.enc(container) + "/archive?path=" + Api.enc(dir), tar.toByteArray());
    }

    /** PUT with a raw body (EngineClient sends JSON bodies only). */
    private static void put(EngineClient client, String path, byte[] body) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(client.socket()));
            OutputStream out = Channels.newOutputStream(ch);
            out.write(("PUT " + path + " HTTP/1.1\r\nHost: berth\r\nConnection: close\r\nContent-Type: application/x-tar\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = Channels.newInputStream(ch);
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.split(" ", 3)[1]);
            if (status >= 400) {
                int brace = response.indexOf("{\"message\"");
                String message = brace >= 0 ? response.substring(brace + 12, response.lastIndexOf('"')) : "HTTP " + status;
                throw new CommandFailure(message, ExitCodes.FAILURE);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
