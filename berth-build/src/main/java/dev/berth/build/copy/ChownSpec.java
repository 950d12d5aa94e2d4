package dev.berth.build.copy;

import dev.berth.build.BuildException;
import dev.berth.oci.layer.ContainedPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@code --chown} value, {@code user[:group]}, each a name or a number. Names are looked up in the destination
 * image's {@code /etc/passwd} and {@code /etc/group} (resolved inside that root); a user given alone brings its
 * primary group when named and the same number when numeric, as BuildKit resolves it. The same rules give the owner of
 * the directories WORKDIR creates under a USER ({@link #forUser}).
 *
 * @param what how errors name the value: {@code --chown=app:staff} or {@code USER app}
 */
public record ChownSpec(String what, String user, /* nullable */ String group) {

    /** The uid and gid written on copied files. */
    public record Owner(long uid, long gid) {
        public static final Owner ROOT = new Owner(0, 0);
    }

    static ChownSpec parse(String text) {
        int colon = text.indexOf(':');
        String user = colon < 0 ? text : text.substring(0, colon);
        String group = colon < 0 ? null : text.substring(colon + 1);
        if (user.isEmpty() || (group != null && (group.isEmpty() || group.contains(":")))) {
            throw new BuildException("invalid --chown value '" + text + "': expected user[:group], by name or number");
        }
        checkNumber(text, user);
        if (group != null) {
            checkNumber(text, group);
        }
        return new ChownSpec("--chown=" + text, user, group);
    }

    /**
     * The owner BuildKit gives the directories a WORKDIR creates while {@code user} (the stage's USER, not empty) is in
     * effect: {@code user[:group]} resolved as a {@code --chown} value.
     */
    public static ChownSpec forUser(String user) {
        int colon = user.indexOf(':');
        return new ChownSpec("USER " + user, colon < 0 ? user : user.substring(0, colon),
                colon < 0 || colon == user.length() - 1 ? null : user.substring(colon + 1));
    }

    private static void checkNumber(String text, String id) {
        if (isNumeric(id) && (id.length() > 10 || Long.parseLong(id) > 0xFFFF_FFFEL)) {
            throw new BuildException("invalid --chown value '" + text + "': " + id + " is not a valid id");
        }
    }

    /** Whether the value needs no lookup (so it can be resolved without the destination filesystem). */
    boolean numeric() {
        return isNumeric(user) && (group == null || isNumeric(group));
    }

    /** Resolves names in {@code rootfs} (null for an empty filesystem: only numbers work there). */
    public Owner resolve(Path rootfs) {
        long uid;
        long gid;
        if (isNumeric(user)) {
            uid = Long.parseLong(user);
            gid = uid;
        } else {
            String[] entry = lookup(rootfs, "/etc/passwd", user, "user");
            uid = parseId(entry[2], "/etc/passwd", user);
            gid = parseId(entry[3], "/etc/passwd", user);
        }
        if (group != null) {
            gid = isNumeric(group) ? Long.parseLong(group)
                    : parseId(lookup(rootfs, "/etc/group", group, "group")[2], "/etc/group", group);
        }
        return new Owner(uid, gid);
    }

    private String[] lookup(Path rootfs, String file, String name, String what) {
        if (rootfs == null) {
            throw new BuildException(this.what + ": cannot look up " + what + " '" + name
                    + "' in an empty filesystem (with --link or FROM scratch use numeric ids)");
        }
        Path path = ContainedPath.resolveFollowing(rootfs, file);
        List<String> lines;
        try {
            if (path == null || !Files.isRegularFile(path)) {
                throw new BuildException(this.what + ": cannot look up " + what + " '" + name + "': the image has no "
                        + file);
            }
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BuildException(this.what + ": cannot read " + file + " of the image: " + e.getMessage(), e);
        }
        for (String line : lines) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 4 && fields[0].equals(name)) {
                return fields;
            }
        }
        throw new BuildException(this.what + ": no " + what + " named '" + name + "' in the image's " + file);
    }

    private long parseId(String field, String file, String name) {
        if (!isNumeric(field)) {
            throw new BuildException(this.what + ": the entry for '" + name + "' in the image's " + file
                    + " has no numeric id");
        }
        return Long.parseLong(field);
    }

    private static boolean isNumeric(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
