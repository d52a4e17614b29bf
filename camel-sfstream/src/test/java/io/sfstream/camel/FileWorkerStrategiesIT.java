package io.sfstream.camel;

import io.sfstream.camel.replay.FileReplayMarkerStore;
import io.sfstream.camel.replay.SubscriptionRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;

/**
 * The worker-strategy scenarios on the file store: worker JVMs on one host share {@code markers.txt} (OS file lock,
 * atomic rename), with no data grid.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileWorkerStrategiesIT extends WorkerStrategiesScenarios {

    private Path markers() {
        return workDir.resolve("markers.txt");
    }

    @Override
    protected String storeSpec() {
        return "file:" + markers();
    }

    /** Read without the lock, as the store's own readers do: every version of the file is complete (renamed in). */
    @Override
    protected Optional<SubscriptionRecord> readRecord(String key) {
        try {
            for (String line : Files.readAllLines(markers(), StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Map.Entry<String, String> entry = FileReplayMarkerStore.parseLine(line);
                if (entry.getKey().equals(key)) {
                    return Optional.of(SubscriptionRecord.parse(key, entry.getValue()));
                }
            }
            return Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A worker stopped while it holds the store's OS lock would keep every other worker out until it resumes. */
    @Override
    protected boolean frozenWorkerBlocksStore() {
        Path lockFile = workDir.resolve("markers.txt.lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected boolean storeProvesHolders() {
        return true;
    }
}
