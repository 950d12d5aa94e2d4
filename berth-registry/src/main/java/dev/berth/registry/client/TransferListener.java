package dev.berth.registry.client;

import dev.berth.oci.image.Descriptor;

/** What a pull or push reports about each layer, as it happens (called from transfer threads). */
@FunctionalInterface
public interface TransferListener {
    enum Status {
        /** Pull: the store had the layer already. */
        ALREADY_EXISTS,
        /** Pull: the layer was downloaded, verified and stored. */
        PULL_COMPLETE,
        /** Pull or push: a transfer failed and is tried again (detail: why, and from which byte). */
        RETRYING,
        /** Push: the registry had the layer already. */
        LAYER_EXISTS,
        /** Push: the registry mounted the layer from another repository (detail: that repository). */
        MOUNTED,
        /** Push: the layer was uploaded. */
        PUSHED
    }

    void layer(Descriptor layer, Status status, String detail);

    /** Interval, in bytes, at which {@link #progress} is called while a layer streams (and once at its end). */
    long PROGRESS_INTERVAL = 64 * 1024;

    /**
     * Bytes of a layer moved so far, out of {@code total}: called from the transfer thread while the layer streams, about
     * every {@link #PROGRESS_INTERVAL} bytes and when its last byte went. After a retry the count may start lower again.
     * Must be cheap. Does nothing by default.
     */
    default void progress(Descriptor layer, long bytes, long total) {
    }

    static TransferListener none() {
        return (layer, status, detail) -> {
        };
    }
}
