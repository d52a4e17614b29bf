package io.sfstream.camel.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proof of life for the file store's lease holders: a worker holds an exclusive OS lock on one byte of a holders file
 * for as long as its tenure (key and epoch) lasts, and the operating system drops the lock when the process dies,
 * however it dies. So another process that can lock that byte knows the holder is gone, and a single instance restarted
 * after {@code kill -9} takes its dead predecessor's lease at once instead of waiting for it to expire.
 * <p>
 * The byte of a tenure is at {@code hash(key) << 31 | epoch mod 2^31}. A tenure's lock is taken before its lease is
 * written, so a written lease always has its lock while its process lives. Two tenures that share a byte (a hash
 * collision) only make a dead holder look alive, and its lease is then waited out as on any other store: never the
 * other way round.
 * <p>
 * OS locks belong to the process, and closing any channel of a file may drop every lock the process holds on it, so
 * one channel per holders file stays open for the life of the JVM and serves every store instance of that path.
 * Within the JVM, a byte locked by another tenure raises {@link OverlappingFileLockException}: that holder lives.
 */
final class ProcessTenures {

    private static final Map<Path, FileChannel> CHANNELS = new ConcurrentHashMap<>();

    private final Path holdersFile;

    ProcessTenures(Path holdersFile) {
        this.holdersFile = holdersFile;
    }

    /** Locks the tenure's byte: null when another tenure of this or another process holds it right now. */
    ReplayMarkerStore.Tenure open(String key, long epoch) {
        FileLock lock = tryLock(key, epoch);
        if (lock == null) {
            return null;
        }
        return () -> {
            try {
                lock.release();
            } catch (IOException e) {
                // the lock goes with the process anyway; a tenure that ended is not consulted again
                throw new UncheckedIOException("Cannot release the tenure lock in " + holdersFile, e);
            }
        };
    }

    /** True when no live process holds the tenure's byte: its holder is gone. */
    boolean isGone(String key, long epoch) {
        FileLock lock = tryLock(key, epoch);
        if (lock == null) {
            return false;
        }
        try {
            lock.release();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot release a probe lock in " + holdersFile, e);
        }
        return true;
    }

    private FileLock tryLock(String key, long epoch) {
        try {
            return channel().tryLock(position(key, epoch), 1, false);
        } catch (OverlappingFileLockException e) {
            // a tenure of this JVM holds it
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot lock " + holdersFile + ": " + e.getMessage(), e);
        }
    }

    private FileChannel channel() {
        return CHANNELS.computeIfAbsent(holdersFile, path -> {
            try {
                return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot open " + path + ": " + e.getMessage(), e);
            }
        });
    }

    static long position(String key, long epoch) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long hash = ((digest[0] & 0x7FL) << 24) | ((digest[1] & 0xFFL) << 16) | ((digest[2] & 0xFFL) << 8)
                        | (digest[3] & 0xFFL);
            return (hash << 31) | (epoch & 0x7FFF_FFFFL);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
