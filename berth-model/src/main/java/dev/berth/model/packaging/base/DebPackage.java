package dev.berth.model.packaging.base;

/**
 * One Debian package as the archive lists it: what the base is made of, recorded in the image so anyone can tell
 * which glibc it carries.
 *
 * @param sha256 hex digest of the .deb, from the archive's signed index, checked after download
 * @param filename the .deb's path in the archive (pool/main/…)
 */
public record DebPackage(String name, String version, String architecture, String sha256, String filename) {

    /** "name=version", as apt-get takes it and as the image's label lists it. */
    public String pinned() {
        return name + "=" + version;
    }
}
