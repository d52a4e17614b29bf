package io.sfstream.camel.replay;

import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplayMarkerStoresTest {

    @TempDir
    Path dir;

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final Map<Path, FileReplayMarkerStore> shared = new ConcurrentHashMap<>();

    @AfterEach
    void closeContext() throws Exception {
        context.close();
    }

    private ReplayMarkerStore of(Object configured) {
        return ReplayMarkerStores.of(configured, context, shared);
    }

    @Test
    void nullMeansTheCallersDefault() {
        assertThat(of(null)).isNull();
    }

    @Test
    void aStoreIsUsedAsIs() {
        InMemoryReplayMarkerStore store = new InMemoryReplayMarkerStore();

        assertThat(of(store)).isSameAs(store);
    }

    @Test
    void aStateRepositoryIsAdapted() {
        MemoryStateRepository repository = new MemoryStateRepository();

        ReplayMarkerStore store = of(repository);

        assertThat(store).isInstanceOf(StateRepositoryReplayMarkerStore.class);
        store.start();
        store.write("k", ReplayMarker.of(3));
        assertThat(repository.getState("k")).isEqualTo("3");
        store.stop();
    }

    @Test
    void aMapIsAdapted() {
        Map<String, String> map = new HashMap<>();

        ReplayMarkerStore store = of(map);

        assertThat(store).isInstanceOf(MapReplayMarkerStore.class);
        store.write("k", ReplayMarker.of(4));
        assertThat(map).containsEntry("k", "4");
    }

    @Test
    void aPlainPathStringIsAFileStore() {
        Path file = dir.resolve("m.txt");

        assertThat(of(file.toString())).isInstanceOfSatisfying(FileReplayMarkerStore.class,
                store -> assertThat(store.getFile()).isEqualTo(file.toAbsolutePath()));
    }

    @Test
    void aFilePrefixedStringIsAFileStore() {
        Path file = dir.resolve("m.txt");

        assertThat(of("file:" + file)).isInstanceOfSatisfying(FileReplayMarkerStore.class,
                store -> assertThat(store.getFile()).isEqualTo(file.toAbsolutePath()));
    }

    @Test
    void aFileOrPathIsAFileStore() {
        assertThat(of(dir.resolve("a.txt").toFile())).isInstanceOf(FileReplayMarkerStore.class);
        assertThat(of(dir.resolve("b.txt"))).isInstanceOf(FileReplayMarkerStore.class);
    }

    @Test
    void aHashNameIsLookedUpInTheRegistry() {
        InMemoryReplayMarkerStore store = new InMemoryReplayMarkerStore();
        context.getRegistry().bind("myStore", store);

        assertThat(of("#myStore")).isSameAs(store);
        assertThat(of("#bean:myStore")).isSameAs(store);
    }

    @Test
    void aLookedUpBeanIsConvertedLikeAnOptionValue() {
        Map<String, String> map = new ConcurrentHashMap<>();
        context.getRegistry().bind("markerMap", map);
        context.getRegistry().bind("markerRepo", new MemoryStateRepository());
        context.getRegistry().bind("markerFile", dir.resolve("bean.txt").toString());

        assertThat(of("#markerMap")).isInstanceOf(MapReplayMarkerStore.class);
        assertThat(of("#markerRepo")).isInstanceOf(StateRepositoryReplayMarkerStore.class);
        assertThat(of("#markerFile")).isInstanceOf(FileReplayMarkerStore.class);
    }

    @Test
    void aMissingBeanFailsNamingIt() {
        assertThatThrownBy(() -> of("#nowhere"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No bean named nowhere for option replayStore");
    }

    @Test
    void aBeanReferringToItselfFailsInsteadOfLooping() {
        context.getRegistry().bind("loop", "#loop");

        assertThatThrownBy(() -> of("#loop")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnsupportedTypeFailsNamingIt() {
        assertThatThrownBy(() -> of(42))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unsupported replayStore value of type java.lang.Integer")
                .hasMessageContaining("ReplayMarkerStore")
                .hasMessageContaining("StateRepository<String,String>")
                .hasMessageContaining("Map<String,String>")
                .hasMessageContaining("file path");
    }

    @Test
    void oneFileIsOneStoreHoweverItIsSpelled() {
        Path file = dir.resolve("shared.txt");

        ReplayMarkerStore first = of(file.toString());

        assertThat(of("file:" + file)).isSameAs(first);
        assertThat(of(file.toFile())).isSameAs(first);
        assertThat(of(dir.resolve("sub/../shared.txt"))).isSameAs(first);
        assertThat(of(dir.resolve("other.txt"))).isNotSameAs(first);
    }

    @Test
    void storesAreNotSharedAcrossSharingMaps() {
        Path file = dir.resolve("shared.txt");

        ReplayMarkerStore first = ReplayMarkerStores.of(file, context, new HashMap<>());

        assertThat(ReplayMarkerStores.of(file, context, new HashMap<>())).isNotSameAs(first);
    }

    @Test
    void unusedFileVariantIsNotTouchedByResolution() {
        // resolving must not create or start anything: the consumer starts the store
        of(new File(dir.toFile(), "lazy/m.txt"));

        assertThat(dir.resolve("lazy")).doesNotExist();
    }
}
