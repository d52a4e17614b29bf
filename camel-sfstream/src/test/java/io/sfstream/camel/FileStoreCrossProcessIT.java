package io.sfstream.camel;

import io.sfstream.camel.replay.FileReplayMarkerStore;
import io.sfstream.camel.replay.ReplayMarker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The file store's atomic operations across real processes: three JVMs increment one counter by compare-and-set while
 * flushing keys of their own into the same file. Every increment counts exactly once (no lost update between
 * processes) and no process's flush drops another's key, which is what leases and fenced commits of workers on one
 * host rely on.
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
        for (int p = 0; p < PROCESSES; p++) {
            processes.add(ChildJvm.start(FileStoreHammer.class, "64m", null, dir.resolve("p" + p + ".log"),
                    file.toString(), "p" + p, Integer.toString(INCREMENTS)));
        }
        for (Process process : processes) {
            assertThat(process.waitFor(100, TimeUnit.SECONDS)).as("process finished").isTrue();
            assertThat(process.exitValue()).as("exit value, see the logs in %s", dir).isZero();
        }

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
        String conflicts = String.join(" ", Files.readAllLines(dir.resolve("p0.log")));
        System.out.println("FileStoreCrossProcessIT: " + conflicts);
    }
}
