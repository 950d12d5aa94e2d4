package dev.berth.runtime.bundle;

import dev.berth.runtime.ContainerException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A tmpfs mounted in the container ({@code --tmpfs DST[:OPTIONS]}). {@code options} are the final mount options as
 * runc receives them; {@link #parse} builds them the way Docker does.
 */
public record TmpfsMount(String destination, List<String> options) {
    public TmpfsMount {
        options = Checks.strings(options, "tmpfs options of " + destination);
    }

    /** Docker's defaults for {@code --tmpfs}; an option the user gives replaces its opposite here. */
    private static final List<String> DEFAULTS = List.of("rw", "noexec", "nosuid", "nodev");

    /** Flag options, each mapped to the group it conflicts within (the last one given wins). */
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("rw", "ro"), Map.entry("ro", "ro"),
            Map.entry("exec", "exec"), Map.entry("noexec", "exec"),
            Map.entry("suid", "suid"), Map.entry("nosuid", "suid"),
            Map.entry("dev", "dev"), Map.entry("nodev", "dev"),
            Map.entry("sync", "sync"), Map.entry("async", "sync"),
            Map.entry("dirsync", "dirsync"),
            Map.entry("atime", "atime"), Map.entry("noatime", "atime"),
            Map.entry("relatime", "atime"), Map.entry("norelatime", "atime"),
            Map.entry("strictatime", "atime"), Map.entry("nostrictatime", "atime"),
            Map.entry("diratime", "diratime"), Map.entry("nodiratime", "diratime"),
            Map.entry("mand", "mand"), Map.entry("nomand", "mand"),
            Map.entry("private", "propagation"), Map.entry("rprivate", "propagation"),
            Map.entry("shared", "propagation"), Map.entry("rshared", "propagation"),
            Map.entry("slave", "propagation"), Map.entry("rslave", "propagation"),
            Map.entry("noswap", "noswap"), Map.entry("inode32", "inode"), Map.entry("inode64", "inode"));

    /** tmpfs's own key=value options and what their values must look like. */
    private static final Map<String, Pattern> DATA = Map.of(
            "size", Pattern.compile("[0-9]+[kKmMgGtTpPeE%]?"),
            "nr_blocks", Pattern.compile("[0-9]+[kKmMgGtTpPeE%]?"),
            "nr_inodes", Pattern.compile("[0-9]+[kKmMgGtTpPeE%]?"),
            "mode", Pattern.compile("[0-7]{1,4}"),
            "uid", Pattern.compile("[0-9]+"),
            "gid", Pattern.compile("[0-9]+"),
            "huge", Pattern.compile("never|always|within_size|advise|deny|force"),
            "mpol", Pattern.compile("[a-z]+(=[a-z]+)?(:[0-9,\\-]+)?"));

    /**
     * Parses {@code DST[:opt,opt,...]}: the destination must be an absolute path; options are checked against tmpfs's
     * known options and merged over Docker's defaults (rw, noexec, nosuid, nodev, private propagation), so
     * {@code /run:exec,size=64m} gives {@code rw,exec,nosuid,nodev,rprivate,size=64m}. No size means the kernel's
     * default (half of RAM), as in Docker.
     */
    public static TmpfsMount parse(String value) {
        if (value == null || value.isBlank()) {
            throw new ContainerException("--tmpfs needs a value: DESTINATION[:OPTIONS]");
        }
        int colon = value.indexOf(':');
        String destination = Checks.containerPath(colon < 0 ? value : value.substring(0, colon),
                "--tmpfs destination");
        String given = colon < 0 ? "" : value.substring(colon + 1);

        // Flags keyed by their conflict group keep the order of the defaults; a later flag of a group replaces it.
        Map<String, String> flags = new LinkedHashMap<>();
        for (String option : DEFAULTS) {
            flags.put(FLAGS.get(option), option);
        }
        flags.put("propagation", "rprivate");
        Map<String, String> data = new LinkedHashMap<>();
        if (!given.isEmpty()) {
            for (String option : given.split(",", -1)) {
                if (option.isEmpty()) {
                    throw new ContainerException("--tmpfs " + value + ": empty option (two commas in a row?)");
                }
                int eq = option.indexOf('=');
                if (eq < 0) {
                    String group = FLAGS.get(option);
                    if (group == null) {
                        throw new ContainerException("--tmpfs " + value + ": unknown option " + option);
                    }
                    flags.put(group, option);
                } else {
                    String key = option.substring(0, eq);
                    String val = option.substring(eq + 1);
                    Pattern valid = DATA.get(key);
                    if (valid == null) {
                        throw new ContainerException("--tmpfs " + value + ": unknown option " + key);
                    }
                    if (!valid.matcher(val).matches()) {
                        throw new ContainerException("--tmpfs " + value + ": invalid value for " + key + ": " + val);
                    }
                    data.remove(key); // the last one given wins, in its own place
                    data.put(key, val);
                }
            }
        }
        List<String> options = new ArrayList<>(flags.values());
        data.forEach((k, v) -> options.add(k + "=" + v));
        return new TmpfsMount(destination, options);
    }
}
