package dev.berth.build.lock;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Platform;
import dev.berth.oci.reference.Reference;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** Finds what an image reference points at now, without pulling it. */
public interface ImageResolver {
    /**
     * Resolves {@code reference} for every platform in {@code platforms}. Failures come back as values, not
     * exceptions, because the drift check treats "not found" and "cannot ask" differently.
     */
    Resolution resolve(Reference reference, Collection<Platform> platforms);

    /** The outcome of {@link #resolve}. */
    sealed interface Resolution {
    }

    /**
     * The reference points at {@code digest} (an index or a manifest), which gives {@code manifests} (platform →
     * manifest digest) for the platforms asked for.
     *
     * @param source where the answer came from, for messages ("the store", "127.0.0.1:5000")
     */
    record Resolved(Reference reference, Digest digest, SortedMap<String, Digest> manifests, String source)
            implements Resolution {
        public Resolved {
            manifests = Collections.unmodifiableSortedMap(new TreeMap<>(manifests));
        }
    }

    /** The image, or a manifest for one of the platforms, does not exist; {@code reason} says which and where. */
    record Missing(String reason) implements Resolution {
    }

    /** The registry could not be asked (network, TLS, authentication): nothing is known. */
    record Unreachable(String reason) implements Resolution {
    }
}
