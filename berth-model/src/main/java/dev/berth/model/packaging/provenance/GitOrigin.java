package dev.berth.model.packaging.provenance;

import dev.berth.model.packaging.Command;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The git repository a model file sits in.
 *
 * @param commit the commit checked out (HEAD)
 * @param dirty true when the model file differs from that commit or is not committed at all, so the commit alone
 *     does not give back this model
 * @param source the repository's origin remote without credentials, or its directory when it has no origin
 * @param path the model file's path inside the repository
 */
public record GitOrigin(String commit, boolean dirty, String source, String path) {

    /** The revision as the image's label says it: the commit, with "-dirty" when the model is not that commit's. */
    public String revision() {
        return dirty ? commit + "-dirty" : commit;
    }

    /** The repository holding {@code modelFile}; empty when it is in none or git is not installed. */
    public static Optional<GitOrigin> of(Path modelFile) {
        Path file = modelFile.toAbsolutePath().normalize();
        Path dir = file.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Command.Result top;
        try {
            top = git(dir, "rev-parse", "--show-toplevel", "HEAD");
        } catch (RuntimeException gitMissing) {
            return Optional.empty();
        }
        List<String> lines = top.out().lines().toList();
        if (!top.ok() || lines.size() != 2 || !lines.get(1).matches("[0-9a-f]{40,64}")) {
            return Optional.empty(); // not a repository, or one without commits
        }
        Path root = Path.of(lines.get(0));
        String relative;
        try {
            relative = root.toRealPath().relativize(file.toRealPath()).toString();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
        boolean tracked = git(dir, "ls-files", "--error-unmatch", "--", file.toString()).ok();
        Command.Result status = git(dir, "status", "--porcelain", "--", file.toString());
        boolean dirty = !tracked || !status.ok() || !status.out().isBlank();
        Command.Result remote = git(dir, "remote", "get-url", "origin");
        String source = remote.ok() && !remote.out().isBlank() ? withoutCredentials(remote.out().strip()) : root.toString();
        return Optional.of(new GitOrigin(lines.get(1), dirty, source, relative));
    }

    /** A remote URL as it may be shown to anyone who pulls the image: a user:password part never goes in a label. */
    static String withoutCredentials(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() != null && uri.getRawUserInfo() != null && uri.getHost() != null) {
                return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
                        uri.getFragment()).toString();
            }
        } catch (IllegalArgumentException | java.net.URISyntaxException notAUri) {
            // scp-like "git@host:path": the user is no secret
        }
        return url;
    }

    private static Command.Result git(Path dir, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        return Command.run(argv, null, 30, "read the git commit of the model");
    }
}
