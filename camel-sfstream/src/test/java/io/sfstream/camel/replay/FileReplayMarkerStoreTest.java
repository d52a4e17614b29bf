package io.sfstream.camel.replay;

import io.sfstream.camel.WorkerStrategy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileReplayMarkerStoreTest {

    @TempDir
    Path dir;

    private final List<FileReplayMarkerStore> started = new ArrayList<>();
    private ExecutorService executor;

    @AfterEach
    void cleanUp() {
        if (executor != null) {
            executor.shutdownNow();
        }
        started.forEach(FileReplayMarkerStore::stop);
    }

    private FileReplayMarkerStore start(Path file) {
        FileReplayMarkerStore store = new FileReplayMarkerStore(file);
        store.start();
        started.add(store);
        return store;
    }

    @Test
    void markersSurviveANewStoreInstance() {
        Path file = dir.resolve("markers.txt");
        FileReplayMarkerStore first = new FileReplayMarkerStore(file);
        first.start();
        ReplayMarker dated = new ReplayMarker(104853, Instant.parse("2026-11-21T18:02:11.208Z"));
        first.write("/topic/Orders", dated);
        first.write("/event/Order__e", ReplayMarker.of(7));
        first.stop(); // stop flushes

        FileReplayMarkerStore second = start(file);

        assertThat(second.read("/topic/Orders")).contains(dated);
        assertThat(second.read("/event/Order__e")).contains(ReplayMarker.of(7));
        assertThat(second.read("/topic/Unknown")).isEmpty();
    }

    @Test
    void writeIsOnlyInTheFileAfterFlush() throws IOException {
        Path file = dir.resolve("markers.txt");
        FileReplayMarkerStore store = start(file);
        assertThat(store.isWriteThrough()).isFalse();

        store.write("/topic/Orders", ReplayMarker.of(41));

        assertThat(file).doesNotExist();
        store.flush();
        assertThat(Files.readAllLines(file)).contains("/topic/Orders=41");

        store.write("/topic/Orders", ReplayMarker.of(42));
        assertThat(Files.readAllLines(file)).contains("/topic/Orders=41").doesNotContain("/topic/Orders=42");
        store.flush();
        assertThat(Files.readAllLines(file)).contains("/topic/Orders=42").doesNotContain("/topic/Orders=41");
    }

    @Test
    void fileStartsWithACommentHeaderNamingTheFormat() throws IOException {
        Path file = dir.resolve("markers.txt");
        FileReplayMarkerStore store = start(file);
        store.write("k", ReplayMarker.of(1));
        store.flush();

        String first = Files.readAllLines(file).get(0);
        assertThat(first).startsWith("#").contains("sfstream replay markers");
    }

    @Test
    void flushWithoutNewWritesLeavesTheFileAlone() throws IOException {
        Path file = dir.resolve("markers.txt");
        FileReplayMarkerStore store = start(file);
        store.write("k", ReplayMarker.of(1));
        store.flush();
        Object inode = Files.readAttributes(file, BasicFileAttributes.class).fileKey();

        store.flush();

        // every real flush renames a new file into place; the same file key means nothing was rewritten
        assertThat(inode).isNotNull();
        assertThat(Files.readAttributes(file, BasicFileAttributes.class).fileKey()).isEqualTo(inode);
    }

    @Test
    void oddKeysAreEscapedAndReadBack() throws IOException {
        Path file = dir.resolve("markers.txt");
        FileReplayMarkerStore store = start(file);
        Map<String, ReplayMarker> odd = new HashMap<>();
        odd.put("/topic/X?Name='a=b'", ReplayMarker.of(1));
        odd.put("back\\slash\\", ReplayMarker.of(2));
        odd.put("new\nline", ReplayMarker.of(3));
        odd.put("carriage\rreturn\r\n", ReplayMarker.of(4));
        odd.put("#looks-like-a-comment", ReplayMarker.of(5));
        odd.put("=leading equals", ReplayMarker.of(6));
        odd.put("ünïcødé ✓", new ReplayMarker(7, Instant.parse("2026-01-01T00:00:00Z")));
        odd.put("\\n literally", ReplayMarker.of(8));
        odd.forEach(store::write);
        store.flush();

        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).contains("/topic/X?Name\\='a\\=b'=1");
        FileReplayMarkerStore reread = start(dir.resolve("./markers.txt"));
        odd.forEach((key, marker) -> assertThat(reread.read(key)).as(key).contains(marker));
        // one line per marker plus the header: no key broke a line
        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).hasSize(odd.size() + 1);
    }

    @Test
    void corruptLineFailsStartNamingFileAndLine() throws IOException {
        Path file = dir.resolve("markers.txt");
        Files.writeString(file, FileReplayMarkerStore.HEADER + "\n/topic/Good=1\nthis line has no separator\n");
        FileReplayMarkerStore store = new FileReplayMarkerStore(file);

        assertThatThrownBy(store::start)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("line 3");
    }

    @Test
    void corruptValueFailsStartNamingFileLineAndKey() throws IOException {
        Path file = dir.resolve("markers.txt");
        Files.writeString(file, "# hand written\n\n/topic/Bad=12|not-a-date\n");
        FileReplayMarkerStore store = new FileReplayMarkerStore(file);

        assertThatThrownBy(store::start)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("line 3")
                .hasMessageContaining("/topic/Bad");
    }

    @Test
    void unknownEscapeFailsStart() throws IOException {
        Path file = dir.resolve("markers.txt");
        Files.writeString(file, "/topic/\\x=1\n");

        assertThatThrownBy(new FileReplayMarkerStore(file)::start)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("line 1");
    }

    @Test
    void emptyFileFailsStartInsteadOfStartingWithoutMarkers() throws IOException {
        Path file = dir.resolve("markers.txt");
        Files.createFile(file);

        assertThatThrownBy(new FileReplayMarkerStore(file)::start)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("empty");
    }

    @Test
    void nonUtf8FileFailsStart() throws IOException {
        Path file = dir.resolve("markers.txt");
        Files.write(file, new byte[] { 'k', (byte) 0xC3, (byte) 0x28, '=', '1', '\n' });

        assertThatThrownBy(new FileReplayMarkerStore(file)::start)
                .hasMessageContaining(file.toString());
    }

    @Test
    void readBeforeStartIsRefused() {
        FileReplayMarkerStore store = new FileReplayMarkerStore(dir.resolve("markers.txt"));

        assertThatThrownBy(() -> store.read("k")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.write("k", ReplayMarker.of(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void startCreatesParentDirectories() {
        Path file = dir.resolve("a/b/c/markers.txt");
        FileReplayMarkerStore store = start(file);
        store.write("k", ReplayMarker.of(1));
        store.flush();

        assertThat(file).isRegularFile();
    }

    @Test
    void staleTemporaryFilesAreRemovedAtStart() throws IOException {
        Path file = dir.resolve("markers.txt");
        Files.writeString(file, FileReplayMarkerStore.HEADER + "\nk=5\n");
        Path stale1 = Files.writeString(dir.resolve("markers.txt.tmp-3kd9a"), "k=1\n");
        Path stale2 = Files.writeString(dir.resolve("markers.txt.tmp-"), "half writ");
        Path unrelated = Files.writeString(dir.resolve("other.txt.tmp-3kd9a"), "x");
        Path lookalike = Files.writeString(dir.resolve("markers.txt.bak"), "x");

        FileReplayMarkerStore store = start(file);

        assertThat(stale1).doesNotExist();
        assertThat(stale2).doesNotExist();
        assertThat(unrelated).exists();
        assertThat(lookalike).exists();
        assertThat(store.read("k")).contains(ReplayMarker.of(5));
    }

    @Test
    void flushesRacingWithWritesKeepTheNewestMarkerOfEveryKey() throws Exception {
        Path file = dir.resolve("markers.txt");
        FileReplayMarkerStore store = start(file);
        int threads = 4;
        int keysPerThread = 10;
        int writesPerThread = 2_500; // 10,000 writes in all
        executor = Executors.newFixedThreadPool(threads + 1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            writers.add(executor.submit(() -> {
                go.await();
                // each key belongs to one thread and only grows, so its newest marker is its last one
                for (int i = 0; i < writesPerThread; i++) {
                    store.write("/topic/T" + thread + "-" + (i % keysPerThread), ReplayMarker.of(i));
                }
                return null;
            }));
        }
        Future<?> flusher = executor.submit(() -> {
            go.await();
            while (writing.get()) {
                store.flush();
            }
            return null;
        });
        go.countDown();
        for (Future<?> writer : writers) {
            writer.get(60, TimeUnit.SECONDS);
        }
        writing.set(false);
        flusher.get(60, TimeUnit.SECONDS);

        store.flush();

        FileReplayMarkerStore reread = new FileReplayMarkerStore(file);
        reread.start();
        for (int t = 0; t < threads; t++) {
            for (int k = 0; k < keysPerThread; k++) {
                long newest = writesPerThread - keysPerThread + k;
                assertThat(reread.read("/topic/T" + t + "-" + k)).as("T%d-%d", t, k).contains(ReplayMarker.of(newest));
            }
        }
        assertThat(store.isDirty()).isFalse();
    }

    @Test
    void fileOnDiskIsAlwaysCompleteWhileAnotherThreadFlushes() throws Exception {
        Path file = dir.resolve("markers.txt");
        FileReplayMarkerStore store = start(file);
        int keys = 200;
        for (int k = 0; k < keys; k++) {
            store.write("/topic/Key" + k, ReplayMarker.of(0));
        }
        store.flush();
        executor = Executors.newFixedThreadPool(2);
        AtomicBoolean running = new AtomicBoolean(true);
        Future<?> writer = executor.submit(() -> {
            long id = 1;
            while (running.get()) {
                store.write("/topic/Key" + (id % keys), new ReplayMarker(id, Instant.now()));
                id++;
            }
            return null;
        });
        Future<?> flusher = executor.submit(() -> {
            while (running.get()) {
                store.flush();
            }
            return null;
        });

        try {
            for (int read = 0; read < 500; read++) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                assertThat(lines.get(0)).as("header of read %d", read).isEqualTo(FileReplayMarkerStore.HEADER);
                Map<String, ReplayMarker> parsed = new HashMap<>();
                for (String line : lines.subList(1, lines.size())) {
                    Map.Entry<String, String> entry = FileReplayMarkerStore.parseLine(line);
                    parsed.put(entry.getKey(), SubscriptionRecord.parse(entry.getKey(), entry.getValue()).marker());
                }
                assertThat(parsed).as("markers of read %d", read).hasSize(keys);
            }
        } finally {
            running.set(false);
        }
        writer.get(30, TimeUnit.SECONDS);
        flusher.get(30, TimeUnit.SECONDS);
    }

    @Test
    void twoInstancesOnOneFileKeepEachOthersKeysAndLeases() {
        Path file = dir.resolve("shared.properties");
        FileReplayMarkerStore one = start(file);
        FileReplayMarkerStore two = start(file);
        SubscriptionLease lease = new SubscriptionLease("w1", 1, WorkerStrategy.OPEN_IF_FREE,
                Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(one.compareAndSet("/topic/A", null, new SubscriptionRecord(null, lease))).isTrue();

        two.write("/topic/B", ReplayMarker.of(20));
        two.flush();
        one.write("/topic/A", ReplayMarker.of(10));
        one.flush();

        FileReplayMarkerStore reader = start(file);
        assertThat(reader.readRecord("/topic/A")).contains(new SubscriptionRecord(ReplayMarker.of(10), lease));
        assertThat(reader.read("/topic/B")).contains(ReplayMarker.of(20));
        assertThat(two.read("/topic/A")).as("reads see the other instance's flushes").contains(ReplayMarker.of(10));
    }

    @Test
    void compareAndSetReplacesOnlyTheExpectedRecordAndIsDurableAtOnce() throws IOException {
        Path file = dir.resolve("cas.properties");
        FileReplayMarkerStore store = start(file);
        SubscriptionRecord first = SubscriptionRecord.of(ReplayMarker.of(1));
        SubscriptionRecord second = SubscriptionRecord.of(ReplayMarker.of(2));

        assertThat(store.compareAndSet("/topic/C", null, first)).isTrue();
        assertThat(store.compareAndSet("/topic/C", null, second)).as("not absent any more").isFalse();
        assertThat(store.compareAndSet("/topic/C", second, first)).as("not the expected record").isFalse();
        assertThat(store.compareAndSet("/topic/C", first, second)).isTrue();

        assertThat(store.isDirty()).isFalse();
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("/topic/C=2\n");
    }

    @Test
    void aBufferedWriteIsPartOfTheRecordACompareAndSetSees() {
        FileReplayMarkerStore store = start(dir.resolve("overlay.properties"));
        store.write("/topic/D", ReplayMarker.of(5));

        assertThat(store.compareAndSet("/topic/D", null, SubscriptionRecord.of(ReplayMarker.of(9))))
                .as("the key has an unflushed marker").isFalse();
        assertThat(store.compareAndSet("/topic/D", SubscriptionRecord.of(ReplayMarker.of(5)),
                SubscriptionRecord.of(ReplayMarker.of(9)))).isTrue();
        store.flush();
        assertThat(store.read("/topic/D")).as("the older buffered write did not come back").contains(ReplayMarker.of(9));
    }
}
