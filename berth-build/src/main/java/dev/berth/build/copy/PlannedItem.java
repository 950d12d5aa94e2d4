package dev.berth.build.copy;

import java.nio.file.Path;
import java.util.List;

/**
 * One thing a COPY/ADD writes, decided before anything is written: what {@link CopyStep#sourceDigest()} hashes and
 * what {@link CopyStep#apply} places.
 */
sealed interface PlannedItem {

    /** What a node is. */
    enum Type { FILE, DIRECTORY, SYMLINK }

    /**
     * A file, directory or symlink read from the source, with the mode it will get (after --chmod and normalizing)
     * and its owner in the source (used for {@code --from} without --chown).
     *
     * @param relative path below the item ("" for the item itself)
     * @param hardLinkTo for a file sharing its inode with an earlier node of the same item: that node's relative path
     */
    record Node(String relative, Type type, Path path, int mode, long uid, long gid, /* nullable */ String linkTarget,
                /* nullable */ String sha256, /* nullable */ String hardLinkTo) {
    }

    /**
     * A local file or directory (a directory's contents are copied, not itself).
     *
     * @param name the name it was matched by (the symlink's name when a symlink was followed): a file lands under it
     * @param parentsPath with --parents, the path kept below the destination (from the context root or the "/./"
     *     pivot), else null
     * @param parentDirs with --parents, the source directories between the pivot and the item, outermost first, which
     *     are recreated with their metadata
     * @param nodes the item itself first, then (for a directory) everything below it in walk order
     */
    record Local(String written, String name, /* nullable */ String parentsPath, List<Node> parentDirs,
                 List<Node> nodes) implements PlannedItem {
        public Local {
            parentDirs = List.copyOf(parentDirs);
            nodes = List.copyOf(nodes);
        }

        Node top() {
            return nodes.getFirst();
        }
    }

    /** A local tar archive that ADD extracts into the destination. */
    record Archive(String written, Path path, String sha256) implements PlannedItem {
    }

    /** A URL that ADD downloads; {@code expected} is "sha256:…" from --checksum or a lock file, or null. */
    record Remote(String url, String fileName, /* nullable */ String expected) implements PlannedItem {
    }

    /** A {@code COPY <<EOF} document: a file named after its delimiter. */
    record Heredoc(String name, byte[] content, int mode) implements PlannedItem {
    }
}
