package dev.berth.runtime.bundle;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses /etc/passwd and /etc/group the lenient way libc does: blank lines, comments and lines whose ids are not
 * numbers are skipped rather than failing the container.
 */
final class AccountFiles {
    private AccountFiles() {
    }

    /** One /etc/passwd line: {@code name:password:uid:gid:gecos:home:shell}. */
    record PasswdEntry(String name, int uid, int gid, String home) {
    }

    /** One /etc/group line: {@code name:password:gid:member,member}. */
    record GroupEntry(String name, int gid, List<String> members) {
    }

    static List<PasswdEntry> parsePasswd(byte[] content) {
        List<PasswdEntry> entries = new ArrayList<>();
        for (String line : lines(content)) {
            String[] f = line.split(":", -1);
            if (f.length < 4 || f[0].isEmpty()) {
                continue;
            }
            Integer uid = id(f[2]);
            Integer gid = id(f[3]);
            if (uid == null || gid == null) {
                continue;
            }
            entries.add(new PasswdEntry(f[0], uid, gid, f.length > 5 ? f[5] : ""));
        }
        return entries;
    }

    static List<GroupEntry> parseGroup(byte[] content) {
        List<GroupEntry> entries = new ArrayList<>();
        for (String line : lines(content)) {
            String[] f = line.split(":", -1);
            if (f.length < 3 || f[0].isEmpty()) {
                continue;
            }
            Integer gid = id(f[2]);
            if (gid == null) {
                continue;
            }
            List<String> members = new ArrayList<>();
            if (f.length > 3) {
                for (String m : f[3].split(",")) {
                    String member = m.strip();
                    if (!member.isEmpty()) {
                        members.add(member);
                    }
                }
            }
            entries.add(new GroupEntry(f[0], gid, List.copyOf(members)));
        }
        return entries;
    }

    /** A user or group id as Linux takes it in a container: 0 to 2^31-1; anything else is null. */
    static Integer id(String s) {
        if (s.isEmpty() || s.length() > 10) {
            return null;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            v = v * 10 + (c - '0');
        }
        return v <= Integer.MAX_VALUE ? (int) v : null;
    }

    private static List<String> lines(byte[] content) {
        List<String> out = new ArrayList<>();
        for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
            String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (!l.isBlank() && !l.startsWith("#")) {
                out.add(l);
            }
        }
        return out;
    }
}
