package io.sfstream.camel.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
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
import java.util.concurrent.locks.ReentrantLock;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A crash-safe replay marker store in one local file, which several JVMs on one host may share.
 * <p>
 * <b>Format.</b> UTF-8 text. The first line is a comment header naming the format; lines starting with {@code #} are
 * comments, empty lines are ignored; every other line is one subscription {@code key=value}, where the value is a
 * {@link SubscriptionRecord}'s text form: the marker (e.g. {@code /topic/Orders=104853|2026-11-21T18:02:11.208Z}),
 * followed by {@code ;lease=workerId,epoch,strategy,expiresAt} when workers coordinate. Keys are channel or
 * subscription names and may contain anything, so in keys a backslash escapes: {@code \\} is a backslash, {@code \=}
 * an equals sign, {@code \n} a newline, {@code \r} a carriage return, and {@code \#} a {@code #} at the start of a key
 * (which would otherwise make the line a comment). The first unescaped {@code =} ends the key. Any other escape is an
 * error.
 * <p>
 * <b>Buffering.</b> {@link #write} only records the marker in memory ({@link #isWriteThrough()} is false);
 * {@link #flush()} makes everything written so far durable. The consumer flushes at intervals and on stop, so after a
 * crash at most the last interval is replayed, never lost. {@link #compareAndSet} is durable when it returns.
 * <p>
 * <b>Why it is crash-safe.</b> The file is never modified in place: every change writes the whole content to a
 * temporary file {@code <name>.tmp-<random>} in the same directory, forces it to disk ({@code FileChannel.force(true)}),
 * atomically renames it over the file ({@code ATOMIC_MOVE}), and forces the directory so the rename itself is durable.
 * A rename within one file system is atomic, and the renamed file was complete on disk before it, so after a kill -9 or
 * a power loss the file is either the previous or the new complete version, never a torn mix. A crash may leave a
 * temporary file behind; {@link #start()} deletes those.
 * <p>
 * <b>Why several JVMs may share it.</b> Every change is a read-modify-write of the whole file under an exclusive OS
 * lock ({@code FileChannel.lock}) on the sibling file {@code <name>.lock}, which is never renamed or deleted: a flush
 * reads the current file, overlays only the keys this instance wrote since its last flush and writes the result, so
 * keys of other processes are kept; a compare-and-set reads, compares and writes within one lock. Readers need no
 * lock, because the rename makes every version complete. Within one JVM a lock per path serializes the instances, since
 * OS file locks are held per process.
 * <p>
 * <b>Unlike Camel's {@code FileStateRepository}</b>, which appends to or truncates and rewrites its file in place
 * without fsync: a crash during its rewrite can leave a torn or empty file, after which the subscription would silently
 * restart from its default replayId. Accordingly this store never treats a file it cannot read as empty: a corrupt
 * line fails {@link #start()} (and every later read) with the file and line number. Thread-safe.
 */
public final class FileReplayMarkerStore extends ServiceSupport implements ReplayMarkerStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileReplayMarkerStore.class);

    static final String HEADER = "# sfstream replay markers v1: UTF-8, one key=marker[;lease=...] line per subscription;"
                                 + " in keys \\\\ \\= \\n \\r and a leading \\# are escaped";
    private static final String TMP_INFIX = ".tmp-";
    /** OS file locks belong to the process: within the JVM, instances of one path take this lock first. */
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final Path directory;
    private final Path lockFile;
    private final ReentrantLock jvmLock;
    private final ProcessTenures tenures;
    /** Markers written since the last flush that included them. */
    private final Map<String, ReplayMarker> unflushed = new ConcurrentHashMap<>();
    private volatile boolean started;

    public FileReplayMarkerStore(Path file) {
        Path absolute = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        if (absolute.getFileName() == null || absolute.getParent() == null) {
            throw new IllegalArgumentException("Not a file path for replay markers: " + file);
        }
        this.file = absolute;
        this.directory = absolute.getParent();
        this.lockFile = directory.resolve(absolute.getFileName() + ".lock");
        this.jvmLock = JVM_LOCKS.computeIfAbsent(absolute, p -> new ReentrantLock());
        this.tenures = new ProcessTenures(directory.resolve(absolute.getFileName() + ".holders"));
    }

    /** The normalized absolute path of the file. */
    public Path getFile() {
        return file;
    }

    @Override
    protected void doStart() throws Exception {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IOException("Cannot create the directory of replay marker file " + file + ": " + e, e);
        }
        int count = underLock(() -> {
            deleteStaleTemporaryFiles();
            // read once now: a corrupt file fails the start, not the first subscription
            return load().size();
        });
        started = true;
        LOG.info("Replay marker file {} holds {} subscriptions", file, count);
    }

    @Override
    protected void doStop() throws Exception {
        flush();
    }

    /** Locks the tenure's byte in {@code <file>.holders} for the life of the lease (see {@link ProcessTenures}). */
    @Override
    public Tenure openTenure(String key, long epoch) {
        checkStarted();
        return tenures.open(key, epoch);
    }

    /** GONE when the process of the lease's tenure no longer holds its lock: it died, the lease may be taken now. */
    @Override
    public Liveness holderLiveness(String key, SubscriptionLease lease) {
        checkStarted();
        return tenures.isGone(key, lease.epoch()) ? Liveness.GONE : Liveness.ALIVE;
    }

    @Override
    public Optional<ReplayMarker> read(String key) {
        return readRecord(key).map(SubscriptionRecord::marker);
    }

    @Override
    public Optional<SubscriptionRecord> readRecord(String key) {
        Objects.requireNonNull(key, "key");
        checkStarted();
        SubscriptionRecord onDisk;
        try {
            onDisk = load().get(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        return Optional.ofNullable(overlay(onDisk, unflushed.get(key)));
    }

    @Override
    public void write(String key, ReplayMarker marker) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(marker, "marker");
        checkStarted();
        unflushed.put(key, marker);
    }

    /** Buffered: a write is durable only after the next {@link #flush()}. */
    @Override
    public boolean isWriteThrough() {
        return false;
    }

    @Override
    public boolean isAtomic() {
        return true;
    }

    /**
     * Writes the markers written since the last flush into the file, keeping every other key as it is on disk and the
     * lease of each written key, crash-safely (see the class javadoc).
     *
     * @throws UncheckedIOException naming the file when it cannot be written; the markers stay buffered, so the next
     *                              flush tries again
     */
    @Override
    public void flush() {
        if (!started || unflushed.isEmpty()) {
            return;
        }
        try {
            underLock(() -> {
                Map<String, ReplayMarker> batch = Map.copyOf(unflushed);
                Map<String, SubscriptionRecord> records = load();
                batch.forEach((key, marker) -> records.put(key, overlay(records.get(key), marker)));
                replaceFile(render(records));
                // a marker written again meanwhile stays buffered for the next flush
                batch.forEach(unflushed::remove);
                LOG.trace("Flushed {} replay markers to {}", batch.size(), file);
                return null;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write replay marker file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Compares and replaces under the OS lock, durable on return. */
    @Override
    public boolean compareAndSet(String key, SubscriptionRecord expected, SubscriptionRecord replacement) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(replacement, "replacement");
        checkStarted();
        try {
            return underLock(() -> {
                Map<String, SubscriptionRecord> records = load();
                ReplayMarker buffered = unflushed.get(key);
                if (!Objects.equals(overlay(records.get(key), buffered), expected)) {
                    return false;
                }
                records.put(key, replacement);
                replaceFile(render(records));
                // the replacement decided the marker: a buffered one must not overwrite it at the next flush
                unflushed.remove(key, buffered);
                return true;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot update replay marker file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether writes are waiting for a flush. */
    boolean isDirty() {
        return !unflushed.isEmpty();
    }

    private static SubscriptionRecord overlay(SubscriptionRecord onDisk, ReplayMarker buffered) {
        if (buffered == null) {
            return onDisk;
        }
        return onDisk == null ? SubscriptionRecord.of(buffered) : onDisk.withMarker(buffered);
    }

    private void checkStarted() {
        if (!started) {
            // reading before the file is checked would answer "no marker" for a corrupt file and restart the
            // subscription from its default: refuse instead
            throw new IllegalStateException("Replay marker store " + file + " is not started");
        }
    }

    private interface LockedAction<T> {
        T run() throws IOException;
    }

    private <T> T underLock(LockedAction<T> action) throws IOException {
        jvmLock.lock();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            return action.run();
        } finally {
            jvmLock.unlock();
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

    /** Runs under the lock: no process is between creating and renaming a temporary file. */
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

    /** The records on disk now; a missing file has none, a corrupt one is an error naming file and line. */
    private Map<String, SubscriptionRecord> load() throws IOException {
        Map<String, SubscriptionRecord> result = new TreeMap<>();
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
                    result.put(entry.getKey(), SubscriptionRecord.parse(entry.getKey(), entry.getValue()));
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

    static String render(Map<String, SubscriptionRecord> records) {
        StringBuilder out = new StringBuilder(64 + records.size() * 48);
        out.append(HEADER).append('\n');
        records.forEach((key, record) -> out.append(escapeKey(key)).append('=').append(record.format()).append('\n'));
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
    public static Map.Entry<String, String> parseLine(String line) {
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
