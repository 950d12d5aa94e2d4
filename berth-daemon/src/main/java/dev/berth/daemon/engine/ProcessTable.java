package dev.berth.daemon.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Rows of {@code ps -ef} for given host PIDs, read from /proc: UID, PID, PPID, C, STIME, TTY, TIME, CMD. */
final class ProcessTable {
    static final List<String> TITLES = List.of("UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD");
    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux
    private static final DateTimeFormatter STIME = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

    private ProcessTable() {
    }

    static List<List<String>> rows(List<Integer> pids) {
        List<List<String>> rows = new ArrayList<>();
        long bootSeconds = bootTime();
        for (int pid : pids) {
            try {
                Path proc = Path.of("/proc", Integer.toString(pid));
                String stat = Files.readString(proc.resolve("stat"));
                int close = stat.lastIndexOf(')');
                String comm = stat.substring(stat.indexOf('(') + 1, close);
                String[] f = stat.substring(close + 2).split(" ");
                // fields after the name: state(0) ppid(1) … utime(11) stime(12) … starttime(19)
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                long started = bootSeconds + Long.parseLong(f[19]) / CLOCK_TICKS;
                String uid = "0";
                for (String line : Files.readAllLines(proc.resolve("status"))) {
                    if (line.startsWith("Uid:")) {
                        uid = line.split("\\s+")[1];
                    }
                }
                byte[] cmdline = Files.readAllBytes(proc.resolve("cmdline"));
                String cmd = cmdline.length == 0 ? "[" + comm + "]"
                        : new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ').strip();
                long seconds = ticks / CLOCK_TICKS;
                long elapsed = Math.max(1, Instant.now().getEpochSecond() - started);
                rows.add(List.of(uid, Integer.toString(pid), f[1], Long.toString(Math.min(99, 100 * seconds / elapsed)),
                        STIME.format(Instant.ofEpochSecond(started)), "?",
                        String.format("%02d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60), cmd));
            } catch (IOException | RuntimeException e) {
                // the process ended while being read
            }
        }
        return rows;
    }

    private static long bootTime() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("btime ")) {
                    return Long.parseLong(line.substring(6).strip());
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // fall through
        }
        return 0;
    }
}
