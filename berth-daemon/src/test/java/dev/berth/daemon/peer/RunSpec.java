package dev.berth.daemon.peer;

import dev.berth.daemon.api.CreateRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code run} as the user types it, turned into both podman's flags and Berth's create request, so the two engines
 * are always asked the same thing. Null fields are flags not given.
 *
 * @param entrypoint {@code --entrypoint WORD}; "" clears the image's entrypoint
 */
record RunSpec(String image, List<String> env, String user, String workdir, String hostname, String entrypoint,
        List<String> args) {

    static RunSpec of(String image, String... args) {
        return new RunSpec(image, List.of(), null, null, null, null, List.of(args));
    }

    RunSpec env(String... assignments) {
        return new RunSpec(image, List.of(assignments), user, workdir, hostname, entrypoint, args);
    }

    RunSpec user(String u) {
        return new RunSpec(image, env, u, workdir, hostname, entrypoint, args);
    }

    RunSpec workdir(String w) {
        return new RunSpec(image, env, user, w, hostname, entrypoint, args);
    }

    RunSpec hostname(String h) {
        return new RunSpec(image, env, user, workdir, h, entrypoint, args);
    }

    RunSpec entrypoint(String e) {
        return new RunSpec(image, env, user, workdir, hostname, e, args);
    }

    /** The flags between {@code podman run --rm --runtime runc --network none} and the image. */
    List<String> podmanOptions() {
        List<String> options = new ArrayList<>();
        env.forEach(e -> options.addAll(List.of("-e", e)));
        if (user != null) {
            options.addAll(List.of("-u", user));
        }
        if (workdir != null) {
            options.addAll(List.of("-w", workdir));
        }
        if (hostname != null) {
            options.addAll(List.of("-h", hostname));
        }
        if (entrypoint != null) {
            options.addAll(List.of("--entrypoint", entrypoint));
        }
        return options;
    }

    /** What {@code berth run --rm --network none} sends for the same flags (Docker's API: an empty Cmd is "none given"). */
    CreateRequest createRequest() {
        return new CreateRequest(image, args.isEmpty() ? null : args, entrypoint == null ? null : List.of(entrypoint),
                env.isEmpty() ? null : env, workdir, user, hostname, null, null, null, null, null,
                BerthPeer.removedWithoutNetwork());
    }

    @Override
    public String toString() {
        return String.join(" ", podmanOptions()) + (podmanOptions().isEmpty() ? "" : " ") + image + " " + String.join(" ", args);
    }
}
