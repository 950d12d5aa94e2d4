package dev.berth.runtime.bundle;

import dev.berth.runtime.ContainerException;
import dev.berth.runtime.bundle.AccountFiles.GroupEntry;
import dev.berth.runtime.bundle.AccountFiles.PasswdEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves a Docker user specification ({@code -u} or the image's User) against the root filesystem's /etc/passwd and
 * /etc/group, with Docker's rules:
 * <ul>
 * <li>{@code USER[:GROUP]}; an empty USER means root (uid 0), an empty GROUP means "not given".</li>
 * <li>A number is always a uid (or gid) and needs no entry; a name must have one, else the error names it.</li>
 * <li>The primary group is the passwd entry's, or 0 for a uid without one, unless GROUP is given.</li>
 * <li>Supplementary groups are the /etc/group entries that list the user's name, only when GROUP is not given.</li>
 * <li>The home directory is the passwd entry's, else "/".</li>
 * </ul>
 * The files are read inside the rootfs only ({@link RootfsFiles}); a missing file is treated as empty.
 */
public final class UserResolver {
    /** Account files bigger than this are not account files; refuse rather than read a hostile giant. */
    static final int MAX_ACCOUNT_FILE = 4 << 20;

    private UserResolver() {
    }

    public static ResolvedUser resolve(Path rootfs, String user) {
        String spec = user == null ? "" : user;
        if (spec.indexOf('\0') >= 0 || spec.chars().anyMatch(Character::isWhitespace)) {
            throw new ContainerException("invalid user " + Checks.printable(spec) + ": it contains whitespace or NUL");
        }
        int colon = spec.indexOf(':');
        String userPart = colon < 0 ? spec : spec.substring(0, colon);
        String groupPart = colon < 0 ? "" : spec.substring(colon + 1);

        List<PasswdEntry> passwd = RootfsFiles.read(rootfs, "/etc/passwd", MAX_ACCOUNT_FILE)
                .map(AccountFiles::parsePasswd).orElse(List.of());

        int uid;
        int gid = 0;
        String home = "/";
        String matchedName = null;
        Optional<PasswdEntry> entry;
        if (userPart.isEmpty()) {
            uid = 0;
            entry = passwd.stream().filter(p -> p.uid() == 0).findFirst();
        } else if (isNumber(userPart)) {
            uid = numericId(userPart, "uid");
            entry = passwd.stream().filter(p -> p.uid() == uid).findFirst();
        } else {
            entry = passwd.stream().filter(p -> p.name().equals(userPart)).findFirst();
            if (entry.isEmpty()) {
                throw new ContainerException("unable to find user " + userPart
                        + ": no matching entries in the image's /etc/passwd");
            }
            uid = entry.get().uid();
        }
        if (entry.isPresent()) {
            gid = entry.get().gid();
            matchedName = entry.get().name();
            if (!entry.get().home().isEmpty()) {
                home = entry.get().home();
            }
        }

        List<Integer> additional = List.of();
        boolean needGroups = !groupPart.isEmpty() || matchedName != null;
        List<GroupEntry> groups = needGroups
                ? RootfsFiles.read(rootfs, "/etc/group", MAX_ACCOUNT_FILE).map(AccountFiles::parseGroup).orElse(List.of())
                : List.of();
        if (!groupPart.isEmpty()) {
            if (isNumber(groupPart)) {
                gid = numericId(groupPart, "gid");
            } else {
                gid = groups.stream().filter(g -> g.name().equals(groupPart)).findFirst()
                        .orElseThrow(() -> new ContainerException("unable to find group " + groupPart
                                + ": no matching entries in the image's /etc/group"))
                        .gid();
            }
        } else if (matchedName != null) {
            Set<Integer> sgids = new LinkedHashSet<>();
            for (GroupEntry g : groups) {
                if (g.members().contains(matchedName)) {
                    sgids.add(g.gid());
                }
            }
            additional = new ArrayList<>(sgids);
        }
        return new ResolvedUser(uid, gid, additional, home);
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static int numericId(String s, String what) {
        Integer id = AccountFiles.id(s);
        if (id == null) {
            throw new ContainerException(what + " " + s + " is out of range: it must be between 0 and " + Integer.MAX_VALUE);
        }
        return id;
    }
}
