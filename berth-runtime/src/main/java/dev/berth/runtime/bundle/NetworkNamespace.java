package dev.berth.runtime.bundle;

import java.nio.file.Path;

/** Where the container's network stack comes from. */
public sealed interface NetworkNamespace {

    /** A new, empty network namespace created by runc (Docker's {@code none}; the engine wires {@code bridge} into it). */
    record NewNamespace() implements NetworkNamespace {
    }

    /** The host's network namespace ({@code --network host}). */
    record HostNamespace() implements NetworkNamespace {
    }

    /** An existing namespace the engine prepared, such as a bind-mounted {@code /run/netns/NAME}. */
    record ExistingNamespace(Path path) implements NetworkNamespace {
    }

    static NetworkNamespace newNamespace() {
        return new NewNamespace();
    }

    static NetworkNamespace host() {
        return new HostNamespace();
    }
}
