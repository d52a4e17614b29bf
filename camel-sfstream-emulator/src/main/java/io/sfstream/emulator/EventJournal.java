package io.sfstream.emulator;

import java.io.IOException;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Keeps the events of every channel in a directory, one append-only file per channel, so that an emulator built with
 * {@code dataDirectory(dir)} serves the same events with the same replayIds after a JVM restart.
 * <p>
 * File name: the channel URL-encoded plus {@code .events}; one line per event:
 * {@code replayId TAB createdMillis TAB dataJson}. A line is written (and flushed to the OS) before the event becomes
 * visible to subscribers, so nothing a client saw is lost when the JVM stops; a torn last line (the JVM stopped
 * mid-write) is cut off on load.
 */
final class EventJournal implements AutoCloseable {

    static final String SUFFIX = ".events";

    private final Path directory;
    private final Map<String, Writer> writers = new HashMap<>();

    EventJournal(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the emulator data directory " + directory, e);
        }
    }

    static String fileName(String channel) {
        return java.net.URLEncoder.encode(channel, StandardCharsets.UTF_8) + SUFFIX;
    }

    static String channelOf(String fileName) {
        return java.net.URLDecoder.decode(fileName.substring(0, fileName.length() - SUFFIX.length()),
            StandardCharsets.UTF_8);
    }

    /** Reads every channel file into the log that {@code logs} returns for its channel; returns the channels read. */
    List<String> load(Function<String, EventLog> logs) {
        List<String> channels = new java.util.ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                String channel = channelOf(file.getFileName().toString());
                cutTornTail(file);
                EventLog log = logs.apply(channel);
                synchronized (log) {
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        String[] parts = line.split("\t", 3);
                        if (parts.length == 3) {
                            log.restore(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2]);
                        }
                    }
                }
                channels.add(channel);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the emulator data directory " + directory, e);
        }
        return channels;
    }

    private static void cutTornTail(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long keep = size;
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                ch.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < size) {
                ch.truncate(keep);
            }
        }
    }

    /** Appends one event; call with the channel's log monitor held, before the event is appended to the log. */
    synchronized void append(String channel, long replayId, long createdMillis, String dataJson) {
        try {
            Writer w = writers.get(channel);
            if (w == null) {
                w = Files.newBufferedWriter(directory.resolve(fileName(channel)), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
                writers.put(channel, w);
            }
            w.write(Long.toString(replayId));
            w.write('\t');
            w.write(Long.toString(createdMillis));
            w.write('\t');
            w.write(dataJson);
            w.write('\n');
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to the emulator data directory " + directory, e);
        }
    }

    @Override
    public synchronized void close() {
        for (Writer w : writers.values()) {
            try {
                w.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
        writers.clear();
    }
}
