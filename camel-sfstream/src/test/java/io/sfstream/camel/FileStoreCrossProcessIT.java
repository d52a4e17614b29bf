package io.sfstream.camel;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import io.sfstream.camel.replay.FileReplayMarkerStore;
import io.sfstream.camel.replay.ReplayMarker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The file store's atomic operations across real processes: three JVMs, released together, increment one counter by
 * compare-and-set while flushing keys of their own into the same file. They really contend (compare-and-sets fail and
 * are retried, the counter's values alternate between processes), yet every increment counts exactly once (each value
 * 1..N written by exactly one process: no lost update between processes) and no process's flush drops another's key,
 * which is what leases and fenced commits of workers on one host rely on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileStoreCrossProcessIT {

    private static final int PROCESSES = 3;
    private static final int INCREMENTS = 150;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void destroy() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void compareAndSetIsAtomicAcrossProcessesAndFlushesKeepOtherProcessesKeys() throws Exception {
        Path file = dir.resolve("markers.properties");
        Path gate = dir.resolve("start.gate");
        try (FileChannel gateChannel = FileChannel.open(gate, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock closed = gateChannel.lock()) {
            for (int p = 0; p < PROCESSES; p++) {
                processes.add(ChildJvm.start(FileStoreHammer.class, "64m", null, log(p), file.toString(), "p" + p,
                        Integer.toString(INCREMENTS), gate.toString()));
            }
            for (int p = 0; p < PROCESSES; p++) {
                int process = p;
                await("process " + p + " waits at the start gate").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> {
                            if (!processes.get(process).isAlive()) {
                                fail("process " + process + " exited: " + Files.readString(log(process)));
                            }
                            return Files.readString(log(process)).contains("waiting");
                        });
            }
        }
        for (Process process : processes) {
            assertThat(process.waitFor(100, TimeUnit.SECONDS)).as("process finished").isTrue();
            assertThat(process.exitValue()).as("exit value, see the logs in %s", dir).isZero();
        }

        // which process wrote each counter value
        Map<Long, Integer> writer = new TreeMap<>();
        int conflicts = 0;
        for (int p = 0; p < PROCESSES; p++) {
            for (String line : Files.readAllLines(log(p))) {
                if (line.startsWith("won ")) {
                    for (String value : line.substring(4).split(" ")) {
                        Integer before = writer.put(Long.parseLong(value), p);
                        assertThat(before).as("value %s written by processes %s and %d", value, before, p).isNull();
                    }
                } else if (line.startsWith("done ")) {
                    conflicts += Integer.parseInt(line.substring(line.indexOf("conflicts=") + "conflicts=".length()));
                }
            }
        }
        assertThat(writer.keySet()).as("counter values written, each by one process")
                .containsExactlyElementsOf(LongStream.rangeClosed(1, (long) PROCESSES * INCREMENTS).boxed().toList());
        int[] ownerChanges = {0};
        writer.values().stream().reduce((previous, next) -> {
            if (!previous.equals(next)) {
                ownerChanges[0]++;
            }
            return next;
        });
        System.out.printf("FileStoreCrossProcessIT: %d failed compare-and-sets retried, the counter changed process %d"
                          + " times in %d increments%n", conflicts, ownerChanges[0], writer.size());
        assertThat(conflicts).as("compare-and-sets that lost a race (the processes really contended)").isPositive();
        // run one after the other, the counter would change process PROCESSES - 1 times
        assertThat(ownerChanges[0]).as("times consecutive counter values came from different processes")
                .isGreaterThanOrEqualTo(10 * PROCESSES);

        FileReplayMarkerStore store = new FileReplayMarkerStore(file);
        store.start();
        try {
            assertThat(store.read(FileStoreHammer.COUNTER)).as("every increment of every process, once")
                    .contains(ReplayMarker.of((long) PROCESSES * INCREMENTS));
            for (int p = 0; p < PROCESSES; p++) {
                assertThat(store.read("/own/p" + p)).as("key of process %d", p).contains(ReplayMarker.of(INCREMENTS));
            }
        } finally {
            store.stop();
        }
    }

    private Path log(int process) {
        return dir.resolve("p" + process + ".log");
    }
}
