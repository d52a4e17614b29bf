package io.sfstream.camel;

import io.sfstream.camel.replay.FileReplayMarkerStore;
import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.SubscriptionRecord;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One process of {@link FileStoreCrossProcessIT}: increments a shared counter in a file store by compare-and-set, and
 * between increments flushes a marker of its own key, as consumers of several JVMs sharing one file do.
 * Arguments: file, worker name, increments.
 */
public final class FileStoreHammer {

    static final String COUNTER = "/counter";

    private FileStoreHammer() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        String worker = args[1];
        int increments = Integer.parseInt(args[2]);
        FileReplayMarkerStore store = new FileReplayMarkerStore(file);
        store.start();
        int conflicts = 0;
        for (int i = 1; i <= increments; i++) {
            while (true) {
                Optional<SubscriptionRecord> current = store.readRecord(COUNTER);
                long next = current.map(r -> r.marker().replayId()).orElse(0L) + 1;
                if (store.compareAndSet(COUNTER, current.orElse(null), SubscriptionRecord.of(ReplayMarker.of(next)))) {
                    break;
                }
                conflicts++;
            }
            store.write("/own/" + worker, ReplayMarker.of(i));
            store.flush();
        }
        store.stop();
        System.out.println("done " + worker + " conflicts=" + conflicts);
    }
}
