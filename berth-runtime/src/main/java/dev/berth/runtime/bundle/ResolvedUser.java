package dev.berth.runtime.bundle;

import java.util.List;

/**
 * The process identity a user specification resolved to inside one root filesystem: the uid and primary gid, the
 * supplementary groups, and the home directory (from the passwd entry, else "/") that becomes HOME when the
 * environment has none.
 */
public record ResolvedUser(int uid, int gid, List<Integer> additionalGids, String home) {
    public ResolvedUser {
        additionalGids = List.copyOf(additionalGids);
    }

    /** True for uid 0, which keeps the container's capabilities effective; everyone else starts with none. */
    public boolean isRoot() {
        return uid == 0;
    }
}
