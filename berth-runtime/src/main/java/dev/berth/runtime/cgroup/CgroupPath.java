package dev.berth.runtime.cgroup;

import dev.berth.runtime.ContainerException;

import java.nio.file.Path;

/** Checks an OCI cgroupsPath (cgroupfs style, e.g. "/berth/abc") and places it under a hierarchy's mount point. */
final class CgroupPath {
    private CgroupPath() {
    }

    /**
     * The directory of {@code cgroupsPath} in the hierarchy mounted at {@code mount}. Only absolute paths are
     * accepted: runc would resolve a relative one against its own cgroup, which Berth never means.
     */
    static Path under(Path mount, String cgroupsPath) {
        validate(cgroupsPath);
        return mount.resolve(cgroupsPath.substring(1));
    }

    static void validate(String cgroupsPath) {
        if (cgroupsPath == null || cgroupsPath.isBlank()) {
            throw new ContainerException("cgroup path is empty");
        }
        if (!cgroupsPath.startsWith("/")) {
            throw new ContainerException("cgroup path \"" + cgroupsPath + "\" must be absolute (start with /)");
        }
        if (cgroupsPath.equals("/")) {
            throw new ContainerException("cgroup path \"/\" is the root cgroup, not a container's");
        }
        if (cgroupsPath.indexOf('\0') >= 0) {
            throw new ContainerException("cgroup path contains a NUL character");
        }
        for (String part : cgroupsPath.substring(1).split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new ContainerException("cgroup path \"" + cgroupsPath
                        + "\" has an empty, \".\" or \"..\" component");
            }
        }
    }
}
