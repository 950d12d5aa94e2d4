package dev.berth.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Kubeconfig files for tests, naming a server on loopback. */
public final class Kubeconfigs {
    private Kubeconfigs() {
    }

    public static Path write(Path dir, String server, String context, String namespace) {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test-cluster
                  cluster:
                    server: %s
                contexts:
                - name: %s
                  context:
                    cluster: test-cluster
                    user: tester
                    namespace: %s
                current-context: %s
                users:
                - name: tester
                  user:
                    token: not-a-secret
                """.formatted(server, context, namespace, context);
        try {
            Path file = dir.resolve("kubeconfig-" + context);
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
