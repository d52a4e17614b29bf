package io.sfstream.camel;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.StatefulService;
import org.apache.camel.support.service.ServiceHelper;

/**
 * The replay marker stores in use by a component's consumers. A store is started by the first consumer that uses it
 * unless it was started already, and stopped when its last consumer stops, only if this registry started it. Without a
 * {@code replayStore} option, consumers share the component's in-memory store, so markers outlive route restarts for
 * as long as the CamelContext lives.
 */
final class StoreRegistry {

    private final SfStreamComponent component;
    private final InMemoryReplayMarkerStore inMemory = new InMemoryReplayMarkerStore();
    /** File stores by absolute path: two endpoints naming one file must share one store, or they overwrite each other. */
    private final Map<Path, FileReplayMarkerStore> files = new ConcurrentHashMap<>();
    // guarded by this
    private final Map<ReplayMarkerStore, Integer> users = new IdentityHashMap<>();
    // guarded by this
    private final Map<ReplayMarkerStore, Boolean> startedHere = new IdentityHashMap<>();

    StoreRegistry(SfStreamComponent component) {
        this.component = component;
    }

    synchronized ReplayMarkerStore acquire(SfStreamEndpoint endpoint) {
        Object configured = endpoint.getConfiguration().getReplayStore();
        ReplayMarkerStore store = configured == null
                ? inMemory : ReplayMarkerStores.of(configured, component.getCamelContext(), files);
        int count = users.merge(store, 1, Integer::sum);
        if (count == 1) {
            boolean alreadyStarted = store instanceof StatefulService stateful && stateful.isStarted();
            if (!alreadyStarted) {
                ServiceHelper.startService(store);
            }
            startedHere.put(store, !alreadyStarted);
        }
        return store;
    }

    synchronized void release(ReplayMarkerStore store) {
        Integer count = users.get(store);
        if (count == null) {
            return;
        }
        if (count > 1) {
            users.put(store, count - 1);
            return;
        }
        users.remove(store);
        store.flush();
        if (Boolean.TRUE.equals(startedHere.remove(store))) {
            ServiceHelper.stopService(store);
        }
    }
}
