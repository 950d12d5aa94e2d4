package dev.berth.runtime.cgroup;

import java.util.List;

/**
 * One process as {@code berth top} shows it, in the columns of {@code ps -ef} (Docker's default for top).
 *
 * @param uid   the effective user's name on the host, or the number when the host has no such user
 * @param pid   process id (host pid namespace)
 * @param ppid  parent's pid
 * @param c     CPU use over the process's lifetime, integer percent
 * @param stime start: "HH:MM" today, "MmmDD" this year, else the year
 * @param tty   controlling terminal ("pts/0"), "?" for none
 * @param time  CPU time used, "[DD-]HH:MM:SS"
 * @param cmd   the command line, or "[name]" when it has none (zombies, kernel threads)
 */
public record ProcessRow(String uid, int pid, int ppid, int c, String stime, String tty, String time, String cmd) {

    /** Column titles, in the order of {@link #cells()}. */
    public static final List<String> TITLES = List.of("UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD");

    public List<String> cells() {
        return List.of(uid, Integer.toString(pid), Integer.toString(ppid), Integer.toString(c), stime, tty, time, cmd);
    }
}
