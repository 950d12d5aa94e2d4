package dev.berth.runtime.cgroup;

import dev.berth.runtime.ContainerException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads /proc for a list of pids (a container's, from {@link Cgroups#pids}) into {@code ps -ef} rows. */
public final class ProcessTable {
    /**
     * USER_HZ: the unit of the times in /proc/PID/stat. The kernel fixes it at 100 for user space on every
     * architecture Berth runs on, whatever the internal tick rate.
     */
    private static final long TICKS_PER_SECOND = 100;
    private static final DateTimeFormatter TODAY = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final DateTimeFormatter THIS_YEAR = DateTimeFormatter.ofPattern("MMMdd", Locale.ROOT);

    private final Path proc;
    private final Path passwd;
    private final ZoneId zone;

    /** The host's /proc and /etc/passwd, times in the system's zone. */
    public ProcessTable() {
        this(Path.of("/proc"), Path.of("/etc/passwd"), ZoneId.systemDefault());
    }

    ProcessTable(Path proc, Path passwd, ZoneId zone) {
        this.proc = proc;
        this.passwd = passwd;
        this.zone = zone;
    }

    /** A row for each pid that still exists, in the given order; processes that exited meanwhile are left out. */
    public List<ProcessRow> rows(List<Integer> pids) {
        Map<Long, String> users = users();
        long bootEpochSecond = bootTime();
        double uptimeSeconds = uptime();
        Instant now = Instant.now();
        List<ProcessRow> rows = new ArrayList<>();
        for (int pid : pids) {
            ProcessRow row = row(pid, users, bootEpochSecond, uptimeSeconds, now);
            if (row != null) {
                rows.add(row);
            }
        }
        return List.copyOf(rows);
    }

    private ProcessRow row(int pid, Map<Long, String> users, long bootEpochSecond, double uptimeSeconds, Instant now) {
        Path dir = proc.resolve(Integer.toString(pid));
        String stat = readOrNull(dir.resolve("stat"));
        String status = readOrNull(dir.resolve("status"));
        byte[] cmdline = readBytesOrNull(dir.resolve("cmdline"));
        if (stat == null || status == null || cmdline == null) {
            return null;
        }
        ProcStat s = ProcStat.parse(stat);
        long euid = effectiveUid(status);
        long cpuTicks = s.utime() + s.stime();
        double startSeconds = (double) s.startTicks() / TICKS_PER_SECOND;
        double elapsed = uptimeSeconds - startSeconds;
        int c = elapsed > 0 ? (int) (cpuTicks * 100.0 / TICKS_PER_SECOND / elapsed) : 0;
        Instant started = Instant.ofEpochSecond(bootEpochSecond + (long) startSeconds);
        String cmd = commandLine(cmdline);
        if (cmd.isEmpty()) {
            cmd = "[" + s.comm() + "]";
        }
        return new ProcessRow(users.getOrDefault(euid, Long.toString(euid)), pid, s.ppid(), c,
                startTime(started, now), tty(s.ttyNr()), cpuTime(cpuTicks / TICKS_PER_SECOND), cmd);
    }

    /** The fields of /proc/PID/stat that a row needs (proc(5)). */
    record ProcStat(String comm, int ppid, int ttyNr, long utime, long stime, long startTicks) {
        static ProcStat parse(String stat) {
            // comm is in parentheses and may itself hold spaces and ')': the last ')' ends it
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            if (open < 0 || close < open) {
                throw new ContainerException("unexpected /proc/PID/stat format: " + stat.strip());
            }
            String comm = stat.substring(open + 1, close);
            // fields from (3) state on
            String[] f = stat.substring(close + 2).strip().split(" ");
            if (f.length < 20) {
                throw new ContainerException("unexpected /proc/PID/stat format: " + stat.strip());
            }
            return new ProcStat(comm, Integer.parseInt(f[1]), Integer.parseInt(f[4]), Long.parseLong(f[11]),
                    Long.parseLong(f[12]), Long.parseLong(f[19]));
        }
    }

    /** Effective uid: the second number of the "Uid:" line (real, effective, saved, filesystem). */
    static long effectiveUid(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("Uid:")) {
                String[] ids = line.substring(4).strip().split("\\s+");
                return Long.parseLong(ids[1]);
            }
        }
        throw new ContainerException("/proc/PID/status has no Uid line");
    }

    /** Arguments are NUL-separated (and NUL-terminated); shown space-separated as ps does. */
    static String commandLine(byte[] cmdline) {
        int end = cmdline.length;
        while (end > 0 && cmdline[end - 1] == 0) {
            end--;
        }
        byte[] shown = new byte[end];
        for (int i = 0; i < end; i++) {
            shown[i] = cmdline[i] == 0 ? (byte) ' ' : cmdline[i];
        }
        return new String(shown, StandardCharsets.UTF_8);
    }

    /** tty_nr packs the device number: major in bits 8-15, minor in bits 0-7 and 20-31. */
    static String tty(int ttyNr) {
        if (ttyNr == 0) {
            return "?";
        }
        int major = (ttyNr >> 8) & 0xfff;
        int minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00);
        if (major >= 136 && major <= 143) {
            return "pts/" + ((major - 136) * 256 + minor);
        }
        if (major == 4) {
            return minor < 64 ? "tty" + minor : "ttyS" + (minor - 64);
        }
        return major + "," + minor;
    }

    /** "[DD-]HH:MM:SS". */
    static String cpuTime(long seconds) {
        long days = seconds / 86_400;
        String hms = String.format(Locale.ROOT, "%02d:%02d:%02d", seconds / 3600 % 24, seconds / 60 % 60,
                seconds % 60);
        return days > 0 ? days + "-" + hms : hms;
    }

    String startTime(Instant started, Instant now) {
        LocalDateTime start = LocalDateTime.ofInstant(started, zone);
        LocalDateTime today = LocalDateTime.ofInstant(now, zone);
        if (start.toLocalDate().equals(today.toLocalDate())) {
            return TODAY.format(start);
        }
        if (start.getYear() == today.getYear()) {
            return THIS_YEAR.format(start);
        }
        return Integer.toString(start.getYear());
    }

    private Map<Long, String> users() {
        Map<Long, String> users = new HashMap<>();
        String text = readOrNull(passwd);
        if (text == null) {
            return users;
        }
        for (String line : text.split("\n")) {
            String[] f = line.split(":");
            if (f.length >= 3) {
                try {
                    users.putIfAbsent(Long.parseLong(f[2]), f[0]);
                } catch (NumberFormatException skipped) {
                    // a comment or a broken line: that user shows as a number
                }
            }
        }
        return users;
    }

    private long bootTime() {
        for (String line : mustRead(proc.resolve("stat")).split("\n")) {
            if (line.startsWith("btime ")) {
                return Long.parseLong(line.substring(6).strip());
            }
        }
        throw new ContainerException(proc.resolve("stat") + " has no btime line");
    }

    private double uptime() {
        return Double.parseDouble(mustRead(proc.resolve("uptime")).strip().split("\\s+")[0]);
    }

    private static String mustRead(Path file) {
        String text = readOrNull(file);
        if (text == null) {
            throw new ContainerException("cannot read " + file);
        }
        return text;
    }

    private static String readOrNull(Path file) {
        byte[] bytes = readBytesOrNull(file);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] readBytesOrNull(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            // ESRCH when the process exits while we read its files
            if (!Files.exists(file)) {
                return null;
            }
            throw new ContainerException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
