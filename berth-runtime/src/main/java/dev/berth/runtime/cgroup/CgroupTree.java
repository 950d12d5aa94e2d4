package dev.berth.runtime.cgroup;

import dev.berth.runtime.ContainerException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Directory-level work on one cgroup directory that is the same in every hierarchy and version. */
final class CgroupTree {
    private CgroupTree() {
    }

    /** Processes in {@code dir} and in the cgroups below it, sorted; empty when the directory is gone. */
    static List<Integer> processes(Path dir) {
        TreeSet<Integer> pids = new TreeSet<>();
        collect(dir, pids);
        return List.copyOf(pids);
    }

    private static void collect(Path dir, TreeSet<Integer> pids) {
        String procs = CgroupFiles.readOrNull(dir.resolve("cgroup.procs"));
        if (procs == null) {
            return;
        }
        for (String line : procs.split("\n")) {
            if (!line.isBlank()) {
                pids.add((int) CgroupFiles.parseLong(line, dir.resolve("cgroup.procs").toString()));
            }
        }
        for (Path child : children(dir)) {
            collect(child, pids);
        }
    }

    /**
     * rmdir of {@code dir}, children first. cgroupfs allows rmdir of a directory full of control files, and refuses
     * (EBUSY) while processes are in it: then false.
     */
    static boolean remove(Path dir) {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        boolean gone = true;
        for (Path child : children(dir)) {
            gone &= remove(child);
        }
        if (!gone) {
            return false;
        }
        try {
            Files.delete(dir);
            return true;
        } catch (NoSuchFileException raced) {
            return true;
        } catch (IOException e) {
            if (!Files.exists(dir)) {
                return true;
            }
            if (isBusy(e)) {
                // processes are still in it, or one that just exited still holds it for a moment
                return false;
            }
            throw new ContainerException("cannot remove cgroup " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean isBusy(IOException e) {
        return e instanceof FileSystemException fse && fse.getReason() != null
                && fse.getReason().toLowerCase(java.util.Locale.ROOT).contains("busy");
    }

    /** Sub-cgroups: the directories among the control files. */
    private static List<Path> children(Path dir) {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            entries.forEach(children::add);
        } catch (NoSuchFileException gone) {
            return List.of();
        } catch (IOException e) {
            throw new ContainerException("cannot list cgroup " + dir + ": " + e.getMessage(), e);
        }
        return children;
    }
}
