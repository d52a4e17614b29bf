package io.sfstream.camel.replay;

import java.nio.file.Path;
import java.time.Instant;

import org.apache.camel.support.processor.state.FileStateRepository;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateRepositoryReplayMarkerStoreTest {

    @TempDir
    Path dir;

    @Test
    void writesThroughInTheMarkerTextFormat() {
        MemoryStateRepository repository = new MemoryStateRepository();
        StateRepositoryReplayMarkerStore store = new StateRepositoryReplayMarkerStore(repository);
        store.start();
        ReplayMarker marker = new ReplayMarker(3, Instant.parse("2026-11-21T18:02:11.208Z"));

        store.write("/topic/Orders", marker);

        assertThat(repository.getState("/topic/Orders")).isEqualTo("3|2026-11-21T18:02:11.208Z");
        assertThat(store.read("/topic/Orders")).contains(marker);
        assertThat(store.read("/topic/Other")).isEmpty();
        store.stop();
    }

    @Test
    void startsAndStopsARepositoryThatWasNotStarted() {
        MemoryStateRepository repository = new MemoryStateRepository();
        StateRepositoryReplayMarkerStore store = new StateRepositoryReplayMarkerStore(repository);

        store.start();
        assertThat(repository.isStarted()).isTrue();

        store.stop();
        assertThat(repository.isStopped()).isTrue();
    }

    @Test
    void leavesAnAlreadyStartedRepositoryRunning() {
        MemoryStateRepository repository = new MemoryStateRepository();
        repository.start();
        StateRepositoryReplayMarkerStore store = new StateRepositoryReplayMarkerStore(repository);

        store.start();
        store.stop();

        assertThat(repository.isStarted()).isTrue();
        repository.stop();
    }

    @Test
    void survivesANewFileStateRepositoryOnTheSameFile() {
        Path file = dir.resolve("state.properties");
        StateRepositoryReplayMarkerStore first
                = new StateRepositoryReplayMarkerStore(FileStateRepository.fileStateRepository(file.toFile()));
        first.start();
        first.write("/event/Order__e", ReplayMarker.of(11));
        first.write("/event/Order__e", ReplayMarker.of(12));
        first.flush();
        first.stop();

        StateRepositoryReplayMarkerStore second
                = new StateRepositoryReplayMarkerStore(FileStateRepository.fileStateRepository(file.toFile()));
        second.start();

        assertThat(second.read("/event/Order__e")).contains(ReplayMarker.of(12));
        second.stop();
    }

    @Test
    void corruptValueFailsNamingTheKey() {
        MemoryStateRepository repository = new MemoryStateRepository();
        repository.setState("sub-x", "??");
        StateRepositoryReplayMarkerStore store = new StateRepositoryReplayMarkerStore(repository);
        store.start();

        assertThatThrownBy(() -> store.read("sub-x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sub-x");
        store.stop();
    }
}
