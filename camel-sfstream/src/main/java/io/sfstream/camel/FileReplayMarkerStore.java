package io.sfstream.camel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A crash-safe replay marker store in one local file.
 * <p>
 * <b>Format.</b> UTF-8 text. The first line is a comment header naming the format; lines starting with {@code #} are
 * comments, empty lines are ignored; every other line is one marker {@code key=value}, where the value is
 * {@link ReplayMarker}'s text form (e.g. {@code /topic/Orders=104853|2026-11-21T18:02:11.208Z}). Keys are channel or
 * subscription names and may contain anything, so in keys a backslash escapes: {@code \\} is a backslash, {@code \=} an
 * equals sign, {@code \n} a newline, {@code \r} a carriage return, and {@code \#} a {@code #} at the start of a key
 * (which would otherwise make the line a comment). The first unescaped {@code =} ends the key. Any other escape is an
 * error.
 * <p>
 * <b>Buffering.</b> All markers are held in memory, loaded once at the first {@link #start()}. {@link #write} only
 * updates memory ({@link #isWriteThrough()} is false); {@link #flush()} makes everything written so far durable. The
 * consumer flushes at intervals and on stop, so after a crash at most the last interval is replayed, never lost.
 * <p>
 * <b>Why it is crash-safe.</b> A flush never modifies the file in place: it writes the whole content to a temporary file
 * {@code <name>.tmp-<random>} in the same directory, forces it to disk ({@code FileChannel.force(true)}), atomically
 * renames it over the file ({@code ATOMIC_MOVE}), and forces the directory so the rename itself is durable. A rename
 * within one file system is atomic, and the renamed file was complete on disk before it, so after a kill -9 or a power
 * loss the file is either the previous or the new complete version, never a torn mix. A crash may leave a temporary
 * file behind; {@link #start()} deletes those.
 * <p>
 * <b>Unlike Camel's {@code FileStateRepository}</b>, which appends to or truncates and rewrites its file in place
 * without fsync: a crash during its rewrite can leave a torn or empty file, after which the subscription would silently
 * restart from its default replayId. Accordingly this store never starts empty over a file it cannot read: a corrupt
 * line fails {@link #start()} with the file and line number.
 * <p>
 * One instance must own a file: two instances writing one file overwrite each other's keys, which is why the component
 * shares one instance per absolute path. Thread-safe.
 */
public final class FileReplayMarkerStore extends ServiceSupport implements ReplayMarkerStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileReplayMarkerStore.class);

    static final String HEADER = "# sfstream replay markers v1: UTF-8, one key=value line per subscription;"
                                 + " in keys \\\\ \\= \\n \\r and a leading \\# are escaped";
    private static final String TMP_INFIX = ".tmp-";

    private final Path file;
    private final Path directory;
    private final Map<String, ReplayMarker> markers = new ConcurrentHashMap<>();
    /** Incremented after every write: a flush that saw generation g made durable every write numbered up to g. */
    private final AtomicLong generation = new AtomicLong();
    /** Serializes flushes (and the load), so two flushes never rename over each other out of order. */
    private final Object flushLock = new Object();
    // guarded by flushLock
    private long flushedGeneration;
    private volatile boolean loaded;

    public FileReplayMarkerStore(Path file) {
        Path absolute = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        if (absolute.getFileName() == null || absolute.getParent() == null) {
            throw new IllegalArgumentException("Not a file path for replay markers: " + file);
        }
        this.file = absolute;
        this.directory = absolute.getParent();
    }

    /** The normalized absolute path of the file. */
    public Path getFile() {
        return file;
    }

    @Override
    protected void doStart() throws Exception {
        synchronized (flushLock) {
            if (loaded) {
                // memory is authoritative once loaded: this instance owns the file, and a restart must not drop
                // writes made while stopped
                return;
            }
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new IOException("Cannot create the directory of replay marker file " + file + ": " + e, e);
            }
            deleteStaleTemporaryFiles();
            Map<String, ReplayMarker> read = load();
            read.forEach(markers::putIfAbsent);
            loaded = true;
            LOG.info("Loaded {} replay markers from {}", read.size(), file);
        }
    }

    @Override
    protected void doStop() throws Exception {
        flush();
    }

    @Override
    public Optional<ReplayMarker> read(String key) {
        Objects.requireNonNull(key, "key");
        checkLoaded();
        return Optional.ofNullable(markers.get(key));
    }

    @Override
    public void write(String key, ReplayMarker marker) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(marker, "marker");
        checkLoaded();
        // put before increment: a flush reading generation g snapshots after it, so it sees every put numbered <= g
        markers.put(key, marker);
        generation.incrementAndGet();
    }

    /** Buffered: a write is durable only after the next {@link #flush()}. */
    @Override
    public boolean isWriteThrough() {
        return false;
    }

    /**
     * Writes all markers to the file if anything changed since the last flush, crash-safely (see the class javadoc).
     *
     * @throws UncheckedIOException naming the file when it cannot be written; the store stays dirty, so the next flush
     *                              tries again
     */
    @Override
    public void flush() {
        synchronized (flushLock) {
            if (!loaded) {
                return; // nothing was written: writes require a loaded store
            }
            long target = generation.get();
            if (target == flushedGeneration) {
                return;
            }
            // snapshot after reading the generation: it holds every write numbered <= target (and maybe later ones,
            // which stay dirty because generation > target and are simply written again next time)
            String content = render(new TreeMap<>(markers));
            try {
                replaceFile(content);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write replay marker file " + file + ": " + e.getMessage(), e);
            }
            flushedGeneration = target;
            LOG.trace("Flushed replay markers to {} (generation {})", file, target);
        }
    }

    /** Whether writes are waiting for a flush. */
    boolean isDirty() {
        synchronized (flushLock) {
            return generation.get() != flushedGeneration;
        }
    }

    private void checkLoaded() {
        if (!loaded) {
            // reading before the file is loaded would answer "no marker" and restart the subscription from its
            // default: refuse instead
            throw new IllegalStateException("Replay marker store " + file + " is not started");
        }
    }

    private void replaceFile(String content) throws IOException {
        Path tmp = directory.resolve(
                file.getFileName() + TMP_INFIX + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // data and metadata on disk before the rename makes the file visible under its real name
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.debug("Cannot delete temporary file {}: {}", tmp, e.toString());
                }
            }
        }
        forceDirectory();
    }

    /** Makes the rename durable: the new directory entry is only safe once the directory itself is on disk. */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some platforms (Windows) refuse to open or force a directory; the rename is still atomic there
            LOG.debug("Cannot fsync directory {}: {}", directory, e.toString());
        }
    }

    private void deleteStaleTemporaryFiles() throws IOException {
        String prefix = file.getFileName() + TMP_INFIX;
        try (DirectoryStream<Path> entries
                = Files.newDirectoryStream(directory, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path stale : entries) {
                // left by a crash between creating and renaming a temporary file: never the current version
                LOG.info("Deleting stale temporary replay marker file {}", stale);
                Files.deleteIfExists(stale);
            }
        }
    }

    private Map<String, ReplayMarker> load() throws IOException {
        Map<String, ReplayMarker> result = new TreeMap<>();
        if (!Files.exists(file)) {
            return result;
        }
        if (Files.size(file) == 0) {
            // this store always writes a header, so an empty file was truncated by something else: starting empty
            // would silently replay from the default
            throw new IllegalStateException("Replay marker file " + file + " is empty (expected at least the header"
                                            + " line); delete it to start without markers");
        }
        // newBufferedReader decodes strictly: bytes that are not UTF-8 fail instead of being replaced
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                try {
                    Map.Entry<String, String> entry = parseLine(line);
                    result.put(entry.getKey(), ReplayMarker.parse(entry.getKey(), entry.getValue()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("Cannot parse line " + number + " of replay marker file " + file
                                                    + ": " + e.getMessage(), e);
                }
            }
        } catch (NoSuchFileException e) {
            return result; // deleted between exists() and open: same as absent
        } catch (IOException e) {
            throw new IOException("Cannot read replay marker file " + file + ": " + e, e);
        }
        return result;
    }

    static String render(Map<String, ReplayMarker> markers) {
        StringBuilder out = new StringBuilder(64 + markers.size() * 48);
        out.append(HEADER).append('\n');
        markers.forEach((key, marker) -> out.append(escapeKey(key)).append('=').append(marker.format()).append('\n'));
        return out.toString();
    }

    static String escapeKey(String key) {
        StringBuilder out = new StringBuilder(key.length() + 4);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '=' -> out.append("\\=");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '#' -> out.append(i == 0 ? "\\#" : "#");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Splits a marker line at its first unescaped {@code =}, unescaping the key. */
    static Map.Entry<String, String> parseLine(String line) {
        StringBuilder key = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '=') {
                return Map.entry(key.toString(), line.substring(i + 1));
            }
            if (c != '\\') {
                key.append(c);
                continue;
            }
            if (++i == line.length()) {
                throw new IllegalArgumentException("dangling backslash at the end of the line");
            }
            char escaped = line.charAt(i);
            switch (escaped) {
                case '\\', '=', '#' -> key.append(escaped);
                case 'n' -> key.append('\n');
                case 'r' -> key.append('\r');
                default -> throw new IllegalArgumentException("unknown escape \\" + escaped + " in key at column " + (i + 1));
            }
        }
        throw new IllegalArgumentException("no '=' between key and marker");
    }

    @Override
    public String toString() {
        return "FileReplayMarkerStore[" + file + "]";
    }
}
