package io.sfstream.camel.replay;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.StateRepository;

/**
 * Turns the value of the endpoint option {@code replayStore} into a {@link ReplayMarkerStore}.
 */
final class ReplayMarkerStores {

    /** Bounds bean lookups that yield a String naming another bean, so a bean naming itself cannot loop forever. */
    private static final int MAX_LOOKUPS = 8;

    private ReplayMarkerStores() {
    }

    /**
     * The store for a {@code replayStore} value:
     * <ul>
     * <li>null: null, the caller uses its in-memory default;</li>
     * <li>a {@link ReplayMarkerStore}: itself;</li>
     * <li>a {@link StateRepository}: a {@link StateRepositoryReplayMarkerStore} (keys and values must be Strings);</li>
     * <li>a {@link Map}: a {@link MapReplayMarkerStore}; the cast is unchecked, the map must hold String keys and
     * values (a foreign value fails when read, naming the key);</li>
     * <li>a String {@code #name} or {@code #bean:name}: the bean of that name in the registry, converted the same
     * way;</li>
     * <li>a String {@code file:path} or a plain path, a {@link File} or a {@link Path}: the
     * {@link FileReplayMarkerStore} of that file, shared through {@code sharedFiles} by normalized absolute path, so
     * that endpoints naming one file use one store.</li>
     * </ul>
     *
     * @param sharedFiles the file stores already handed out, owned by the component; must be thread-safe if calls are
     *                    concurrent
     * @throws IllegalArgumentException for a missing bean or an unsupported value
     */
    static ReplayMarkerStore of(Object configured, CamelContext context, Map<Path, FileReplayMarkerStore> sharedFiles) {
        Objects.requireNonNull(sharedFiles, "sharedFiles");
        return resolve(configured, context, sharedFiles, 0);
    }

    @SuppressWarnings("unchecked")
    private static ReplayMarkerStore resolve(
            Object configured, CamelContext context, Map<Path, FileReplayMarkerStore> sharedFiles, int lookups) {
        if (configured == null) {
            return null;
        }
        if (configured instanceof ReplayMarkerStore store) {
            return store;
        }
        if (configured instanceof StateRepository<?, ?> repository) {
            return new StateRepositoryReplayMarkerStore((StateRepository<String, String>) repository);
        }
        if (configured instanceof Map<?, ?> map) {
            return new MapReplayMarkerStore((Map<String, String>) map);
        }
        if (configured instanceof Path path) {
            return file(path, sharedFiles);
        }
        if (configured instanceof File file) {
            return file(file.toPath(), sharedFiles);
        }
        if (configured instanceof String text) {
            String value = text.strip();
            if (value.startsWith("#")) {
                String name = value.startsWith("#bean:") ? value.substring("#bean:".length()) : value.substring(1);
                return resolve(lookup(name, context, lookups), context, sharedFiles, lookups + 1);
            }
            if (value.startsWith("file:")) {
                value = value.substring("file:".length());
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException("Empty file path for option replayStore: '" + text + "'");
            }
            return file(Path.of(value), sharedFiles);
        }
        throw new IllegalArgumentException("Unsupported replayStore value of type " + configured.getClass().getName()
                                           + ": expected a ReplayMarkerStore, a StateRepository<String,String>,"
                                           + " a Map<String,String>, or a file path");
    }

    private static Object lookup(String name, CamelContext context, int lookups) {
        if (lookups >= MAX_LOOKUPS) {
            throw new IllegalArgumentException("Too many nested bean references for option replayStore at bean " + name);
        }
        if (context == null) {
            throw new IllegalArgumentException("No CamelContext to look up bean " + name + " for option replayStore");
        }
        Object bean = name.isEmpty() ? null : context.getRegistry().lookupByName(name);
        if (bean == null) {
            throw new IllegalArgumentException("No bean named " + name + " for option replayStore");
        }
        return bean;
    }

    private static FileReplayMarkerStore file(Path path, Map<Path, FileReplayMarkerStore> sharedFiles) {
        Path key = path.toAbsolutePath().normalize();
        return sharedFiles.computeIfAbsent(key, FileReplayMarkerStore::new);
    }
}
