package dev.berth.registry.client;

import dev.berth.oci.json.Json;
import dev.berth.registry.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;

/**
 * A Docker credential helper: the program {@code docker-credential-<name>}, spoken to with Docker's protocol. One
 * action per run, given as the only argument: {@code get} reads a server URL on stdin and writes
 * {@code {"ServerURL":…,"Username":…,"Secret":…}}; {@code store} reads that JSON; {@code erase} reads a server URL.
 * A helper that has nothing for a server says "credentials not found in native keychain" and exits non-zero.
 *
 * @param name the part after {@code docker-credential-} ({@code desktop}, {@code pass}, {@code ecr-login})
 * @param directory where to look for the program first; null (or a directory without it) means the PATH
 */
public record CredentialHelper(String name, Path directory) {
    /** What Docker's helpers print when they hold nothing for a server. */
    static final String NOT_FOUND = "credentials not found in native keychain";

    public CredentialHelper {
        if (name == null || name.isEmpty() || name.contains("/") || name.contains("\\")) {
            throw new RegistryException("invalid credential helper name '" + name + "' in the Docker config");
        }
    }

    /** {@code docker-credential-<name>}. */
    public String program() {
        return "docker-credential-" + name;
    }

    /** The credentials the helper holds for a server URL; empty when it has none. */
    public Optional<Credentials> get(String serverUrl) {
        Result result = run("get", serverUrl);
        if (result.exit() != 0) {
            if (result.message().contains(NOT_FOUND)) {
                return Optional.empty();
            }
            throw failed("get credentials for " + serverUrl, result);
        }
        JsonNode body;
        try {
            body = Json.tree(result.stdout().getBytes(StandardCharsets.UTF_8), "answer of " + program() + " get");
        } catch (dev.berth.oci.OciException e) {
            throw new RegistryException("credential helper " + program() + " sent a " + e.getMessage(), e);
        }
        String user = body.path("Username").asString("");
        String secret = body.path("Secret").asString("");
        if (user.isEmpty() && secret.isEmpty()) {
            return Optional.empty();
        }
        if (user.equals(Credentials.TOKEN_USER)) {
            return Optional.of(Credentials.identityToken(secret)); // the helpers' convention for an identity token
        }
        return Optional.of(new Credentials(user, secret));
    }

    public void store(String serverUrl, Credentials credentials) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("ServerURL", serverUrl);
        body.put("Username", credentials.username());
        body.put("Secret", credentials.password());
        Result result = run("store", Json.mapper().writeValueAsString(body));
        if (result.exit() != 0) {
            throw failed("store credentials for " + serverUrl, result);
        }
    }

    /** Removes what the helper holds for a server URL; nothing held is not an error. */
    public void erase(String serverUrl) {
        Result result = run("erase", serverUrl);
        if (result.exit() != 0 && !result.message().contains(NOT_FOUND)) {
            throw failed("erase credentials for " + serverUrl, result);
        }
    }

    private record Result(int exit, String stdout, String stderr) {
        String message() {
            String text = (stdout.strip() + "\n" + stderr.strip()).strip();
            return text.length() > 500 ? text.substring(0, 500) + "…" : text;
        }
    }

    private RegistryException failed(String what, Result result) {
        String message = result.message();
        return new RegistryException("credential helper " + program() + " failed to " + what + " (exit " + result.exit() + ")"
                + (message.isEmpty() ? "" : ": " + message.replace('\n', ' ')));
    }

    private String command() {
        if (directory != null) {
            Path candidate = directory.resolve(program());
            if (Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath().toString();
            }
        }
        return program();
    }

    private Result run(String action, String input) {
        Process process;
        try {
            process = new ProcessBuilder(command(), action).start();
        } catch (IOException e) {
            throw new RegistryException("credential helper " + program() + " (named in the Docker config) cannot be run: "
                    + (e.getMessage() != null && e.getMessage().contains("error=2") ? "not found on the PATH" : e.getMessage()), e);
        }
        try {
            CompletableFuture<String> err = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    err.complete(readAll(process.getErrorStream()));
                } catch (RuntimeException e) {
                    err.completeExceptionally(e);
                }
            });
            try (OutputStream in = process.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the helper may exit without reading; its exit code and output tell why
            }
            String out = readAll(process.getInputStream());
            int exit = process.waitFor();
            String errText;
            try {
                errText = err.join();
            } catch (java.util.concurrent.CompletionException e) {
                errText = "";
            }
            return new Result(exit, out, errText);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while running credential helper " + program());
        } catch (UncheckedIOException e) {
            throw new RegistryException("credential helper " + program() + ": " + e.getCause().getMessage(), e);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
