package io.sfstream.camel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import io.sfstream.camel.replay.FileReplayMarkerStore;
import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.SubscriptionRecord;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One process of {@link FileStoreCrossProcessIT}: increments a shared counter in a file store by compare-and-set, and
 * between increments flushes a marker of its own key, as consumers of several JVMs sharing one file do.
 * Arguments: file, worker name, increments, start gate (a file the test holds an exclusive lock on: every process
 * prints {@code waiting}, blocks on a shared lock of it and starts when the test releases it, so all run at once).
 * Prints {@code won <counter values this process wrote>} and {@code done <worker> conflicts=<failed compare-and-sets>}.
 */
public final class FileStoreHammer {

    static final String COUNTER = "/counter";

    private FileStoreHammer() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        String worker = args[1];
        int increments = Integer.parseInt(args[2]);
        FileReplayMarkerStore store = new FileReplayMarkerStore(file);
        store.start();
        awaitGate(Path.of(args[3]));
        int conflicts = 0;
        List<Long> won = new ArrayList<>(increments);
        for (int i = 1; i <= increments; i++) {
            while (true) {
                Optional<SubscriptionRecord> current = store.readRecord(COUNTER);
                long next = current.map(r -> r.marker().replayId()).orElse(0L) + 1;
                if (store.compareAndSet(COUNTER, current.orElse(null), SubscriptionRecord.of(ReplayMarker.of(next)))) {
                    won.add(next);
                    break;
                }
                conflicts++;
            }
            store.write("/own/" + worker, ReplayMarker.of(i));
            store.flush();
        }
        store.stop();
        System.out.println("won " + won.stream().map(String::valueOf).collect(Collectors.joining(" ")));
        System.out.println("done " + worker + " conflicts=" + conflicts);
    }

    /** Blocks until the test releases its exclusive lock of the gate file. */
    private static void awaitGate(Path gate) throws IOException {
        try (FileChannel channel = FileChannel.open(gate, StandardOpenOption.READ)) {
            System.out.println("waiting");
            System.out.flush();
            FileLock lock = channel.lock(0, Long.MAX_VALUE, true);
            lock.release();
        }
    }
}
