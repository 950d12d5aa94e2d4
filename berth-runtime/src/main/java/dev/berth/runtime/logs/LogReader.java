package dev.berth.runtime.logs;

import dev.berth.runtime.ContainerException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads one container's log across its rotated files ({@code ctr.log.N} ... {@code ctr.log.1}, {@code ctr.log}) in
 * the order it was written, joining partial records into whole lines.
 */
public final class LogReader {
    /** Longest wait between two looks at the files while following, should a file event go missing. */
    private static final long FOLLOW_POLL_MILLIS = 250;

    private final LogFiles files;

    /**
     * @param logFile  the live file conmon writes ({@code --log-path k8s-file:PATH})
     * @param maxFiles Docker's max-file: how many files the log keeps, the live one included
     */
    public LogReader(Path logFile, int maxFiles) {
        this.files = new LogFiles(logFile, maxFiles);
    }

    /** The lines the query selects, oldest first; an unfinished last line comes without its "\n". */
    public List<LogLine> read(LogQuery query) {
        List<LogFiles.Opened> opened = files.openAll();
        try {
            Loaded loaded = load(opened, query.tail());
            List<LogLine> lines = new ArrayList<>(loaded.lines());
            lines.addAll(loaded.assembler().flush());
            return select(lines, query);
        } finally {
            LogFiles.closeAll(opened);
        }
    }

    /**
     * {@code logs -f}: hands the selected lines that exist to {@code sink}, then each new line as it is written,
     * following the live file when conmon replaces it. Returns once {@code stillRunning} says false and everything
     * written up to then has been handed over (an unfinished last line included), or once a line is later than
     * {@code query.until()}.
     */
    public void follow(LogQuery query, Consumer<LogLine> sink, BooleanSupplier stillRunning) {
        Cursor cursor = null;
        K8sFileFormat.Assembler assembler;
        List<LogFiles.Opened> opened = files.openAll();
        try {
            Loaded loaded = load(opened, query.tail());
            assembler = loaded.assembler();
            for (LogLine line : select(loaded.lines(), query)) {
                sink.accept(line);
            }
            if (loaded.lines().stream().anyMatch(line -> query.isPastUntil(line.time()))) {
                return;
            }
            if (!opened.isEmpty()) {
                LogFiles.Opened last = opened.removeLast();
                cursor = new Cursor(last.entry().key(), last.channel(), loaded.liveEnd(), last.entry().path());
            }
        } finally {
            LogFiles.closeAll(opened);
        }
        try (WatchService watcher = watch()) {
            while (true) {
                boolean running = stillRunning.getAsBoolean();
                if (cursor == null) {
                    cursor = open(files.ordered().stream().filter(e -> e.path().equals(files.live)).findFirst()
                            .orElse(null));
                }
                if (cursor != null) {
                    Object liveKey = LogFiles.key(files.live);
                    boolean replaced = liveKey != null && !liveKey.equals(cursor.key);
                    if (!drain(cursor, assembler, query, sink)) {
                        return;
                    }
                    if (replaced) {
                        Cursor next = open(after(cursor.key));
                        cursor.close();
                        cursor = next;
                        continue;
                    }
                }
                if (!running) {
                    for (LogLine line : assembler.flush()) {
                        if (query.isPastUntil(line.time())) {
                            return;
                        }
                        if (query.admits(line.time())) {
                            sink.accept(line);
                        }
                    }
                    return;
                }
                await(watcher);
            }
        } catch (IOException e) {
            throw new ContainerException("cannot follow " + files.live + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (cursor != null) {
                cursor.close();
            }
        }
    }

    /** Hands over the lines completed by what was appended since the last look; false once past --until. */
    private static boolean drain(Cursor cursor, K8sFileFormat.Assembler assembler, LogQuery query,
                                 Consumer<LogLine> sink) {
        byte[] bytes = LogFiles.readFrom(cursor.channel, cursor.position, cursor.path);
        List<LogRecord> records = new ArrayList<>();
        cursor.position += K8sFileFormat.decodeAll(bytes, bytes.length, records, cursor.path.toString());
        for (LogRecord record : records) {
            LogLine line = assembler.add(record);
            if (line == null) {
                continue;
            }
            if (query.isPastUntil(line.time())) {
                return false;
            }
            if (query.admits(line.time())) {
                sink.accept(line);
            }
        }
        return true;
    }

    /** The file written after the one with {@code key}; the live one when that file is no longer found. */
    private LogFiles.Entry after(Object key) {
        List<LogFiles.Entry> ordered = files.ordered();
        for (int i = 0; i < ordered.size() - 1; i++) {
            if (ordered.get(i).key().equals(key)) {
                return ordered.get(i + 1);
            }
        }
        return ordered.isEmpty() ? null : ordered.getLast();
    }

    private static Cursor open(LogFiles.Entry entry) {
        if (entry == null) {
            return null;
        }
        try {
            FileChannel channel = FileChannel.open(entry.path(), StandardOpenOption.READ);
            Object key = LogFiles.key(entry.path());
            if (!entry.key().equals(key)) {
                // renamed between listing and opening: look again on the next round
                channel.close();
                return null;
            }
            return new Cursor(key, channel, 0, entry.path());
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            throw new ContainerException("cannot open log file " + entry.path() + ": " + e.getMessage(), e);
        }
    }

    private WatchService watch() throws IOException {
        Path dir = files.live.toAbsolutePath().getParent();
        WatchService watcher = dir.getFileSystem().newWatchService();
        try {
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (NoSuchFileException e) {
            watcher.close();
            throw new ContainerException("log directory " + dir + " does not exist");
        }
        return watcher;
    }

    /** Until something in the directory changes, or the poll interval passes. */
    private static void await(WatchService watcher) throws InterruptedException {
        try {
            WatchKey key = watcher.poll(FOLLOW_POLL_MILLIS, TimeUnit.MILLISECONDS);
            while (key != null) {
                key.pollEvents();
                key.reset();
                key = watcher.poll();
            }
        } catch (ClosedWatchServiceException e) {
            Thread.sleep(FOLLOW_POLL_MILLIS);
        }
    }

    /** Where following reads next. */
    private static final class Cursor implements AutoCloseable {
        final Object key;
        final FileChannel channel;
        final Path path;
        long position;

        Cursor(Object key, FileChannel channel, long position, Path path) {
            this.key = key;
            this.channel = channel;
            this.position = position;
            this.path = path;
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only
            }
        }
    }

    /**
     * The lines of the opened files, oldest first. With a tail only the newest files are decoded: enough that each
     * stream has tail+1 whole lines, so every line among the last {@code tail} is complete with its partial start.
     */
    private static Loaded load(List<LogFiles.Opened> opened, int tail) {
        List<List<LogRecord>> newestFirst = new ArrayList<>();
        long liveEnd = 0;
        Map<LogLine.Stream, Integer> fullLines = new EnumMap<>(LogLine.Stream.class);
        Set<LogLine.Stream> seen = EnumSet.noneOf(LogLine.Stream.class);
        for (int i = opened.size() - 1; i >= 0; i--) {
            LogFiles.Opened file = opened.get(i);
            byte[] bytes = LogFiles.readFrom(file.channel(), 0, file.entry().path());
            List<LogRecord> records = new ArrayList<>();
            int end = K8sFileFormat.decodeAll(bytes, bytes.length, records, file.entry().path().toString());
            if (i == opened.size() - 1) {
                liveEnd = end;
            }
            newestFirst.add(records);
            for (LogRecord r : records) {
                seen.add(r.stream());
                if (!r.partial()) {
                    fullLines.merge(r.stream(), 1, Integer::sum);
                }
            }
            if (tail >= 0 && !seen.isEmpty() && seen.stream().allMatch(s -> fullLines.getOrDefault(s, 0) > tail)) {
                break;
            }
        }
        K8sFileFormat.Assembler assembler = new K8sFileFormat.Assembler();
        List<LogLine> lines = new ArrayList<>();
        for (List<LogRecord> records : newestFirst.reversed()) {
            for (LogRecord record : records) {
                LogLine line = assembler.add(record);
                if (line != null) {
                    lines.add(line);
                }
            }
        }
        return new Loaded(lines, assembler, liveEnd);
    }

    private record Loaded(List<LogLine> lines, K8sFileFormat.Assembler assembler, long liveEnd) {
    }

    /** Docker's order: the last {@code tail} lines of the log, then the --since/--until filter. */
    private static List<LogLine> select(List<LogLine> lines, LogQuery query) {
        List<LogLine> tailed = query.tail() >= 0 && lines.size() > query.tail()
                ? lines.subList(lines.size() - query.tail(), lines.size())
                : lines;
        return tailed.stream().filter(line -> query.admits(line.time())).toList();
    }
}
