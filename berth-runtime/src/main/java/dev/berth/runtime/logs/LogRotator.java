package dev.berth.runtime.logs;

import dev.berth.runtime.ContainerException;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Keeps Docker-style rotated files ({@code --log-opt max-size=.. --log-opt max-file=N}) for a log that conmon
 * writes with {@code --log-size-max}. conmon does not rotate: when the next write would pass the size it closes
 * the file, creates {@code PATH.tmp} and renames it over {@code PATH}, and the old content is gone.
 *
 * <p>The rotator keeps a hard link {@code PATH.held} to the live file. After conmon's rename the old content lives on
 * under that name only; the rotator then shifts {@code .1 -> .2 ...} (dropping what passes max-file), renames
 * {@code .held} to {@code .1} and links the new live file. Nothing is copied. A link rather than an open file
 * descriptor means that a replacement while the daemon is down is not lost: the held file still holds the
 * generation that was live when the daemon stopped, and {@link #rotateIfReplaced()} at start-up moves it to
 * {@code .1}. What is lost while the daemon is down: every generation after that first one, when conmon replaces
 * the file more than once before the daemon is back. While the daemon runs a generation is lost only when conmon
 * fills and replaces a whole file between the rename and the rotator's link (microseconds after inotify wakes it).
 *
 * <p>One rotator a container; {@link #watch} blocks, so the daemon runs it on a virtual thread.
 */
public final class LogRotator {
    /** Look at the files at least this often, should an inotify event go missing. */
    private static final long POLL_MILLIS = 1000;

    private final LogFiles files;

    /**
     * @param logFile  the live file conmon writes
     * @param maxFiles Docker's max-file: files kept, the live one included (1 = no rotated copies)
     */
    public LogRotator(Path logFile, int maxFiles) {
        this.files = new LogFiles(logFile, maxFiles);
    }

    /**
     * One step: when conmon has replaced the live file since the last step, moves the old content to {@code .1}
     * (shifting older files up). Call it when the daemon starts (for replacements while it was down), and once more
     * after the container exits. True when it moved a file.
     */
    public synchronized boolean rotateIfReplaced() {
        try {
            Object liveKey = LogFiles.key(files.live);
            if (files.maxFiles == 1) {
                Files.deleteIfExists(files.held());
                return false;
            }
            if (liveKey == null) {
                return false;
            }
            Object heldKey = LogFiles.key(files.held());
            if (liveKey.equals(heldKey)) {
                return false;
            }
            boolean rotated = false;
            if (heldKey != null) {
                shift();
                Files.move(files.held(), files.rotated(1), StandardCopyOption.ATOMIC_MOVE);
                rotated = true;
            }
            hold();
            return rotated;
        } catch (IOException e) {
            throw new ContainerException("cannot rotate log " + files.live + ": " + e.getMessage(), e);
        }
    }

    /** .k -> .k+1 from the top, after dropping the file that would pass max-file. */
    private void shift() throws IOException {
        Files.deleteIfExists(files.rotated(files.maxFiles - 1));
        for (int n = files.maxFiles - 2; n >= 1; n--) {
            if (Files.exists(files.rotated(n))) {
                Files.move(files.rotated(n), files.rotated(n + 1), StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    private void hold() throws IOException {
        try {
            Files.createLink(files.held(), files.live);
        } catch (NoSuchFileException liveGone) {
            // the container's log was removed meanwhile: nothing left to hold
        } catch (FileAlreadyExistsException e) {
            // another rotator instance of the same log got there first
        }
    }

    /**
     * Rotates as conmon replaces the live file, woken by inotify (the rename shows as a create in the directory),
     * until {@code keepGoing} says false; then takes one last step and returns.
     */
    public void watch(BooleanSupplier keepGoing) {
        Path dir = files.live.toAbsolutePath().getParent();
        try (WatchService watcher = dir.getFileSystem().newWatchService()) {
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            rotateIfReplaced();
            while (keepGoing.getAsBoolean()) {
                WatchKey key = watcher.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                while (key != null) {
                    key.pollEvents();
                    key.reset();
                    key = watcher.poll();
                }
                rotateIfReplaced();
            }
            rotateIfReplaced();
        } catch (NoSuchFileException e) {
            throw new ContainerException("log directory " + dir + " does not exist");
        } catch (IOException | ClosedWatchServiceException e) {
            throw new ContainerException("cannot watch log directory " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes the live, held and rotated files (when the container is removed). */
    public synchronized void deleteAll() {
        try {
            Files.deleteIfExists(files.live);
            Files.deleteIfExists(files.held());
            for (int n = 1; n < Math.max(files.maxFiles, 2); n++) {
                Files.deleteIfExists(files.rotated(n));
            }
        } catch (IOException e) {
            throw new ContainerException("cannot remove log files of " + files.live + ": " + e.getMessage(), e);
        }
    }
}
