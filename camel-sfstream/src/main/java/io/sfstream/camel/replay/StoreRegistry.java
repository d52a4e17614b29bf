package io.sfstream.camel.replay;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.StatefulService;
import org.apache.camel.support.service.ServiceHelper;

/**
 * The replay marker stores in use by a component's consumers. A store is started by the first consumer that uses it
 * unless it was started already; a store this registry started is stopped with the component, not with its last
 * consumer, so that a route restart keeps markers even in stores that forget them on stop (such as Camel's
 * MemoryStateRepository). A store that was started by someone else is never stopped here. Without a
 * {@code replayStore} option, consumers share the component's in-memory store, so markers outlive route restarts for
 * as long as the CamelContext lives.
 */
public final class StoreRegistry {

    private final InMemoryReplayMarkerStore inMemory = new InMemoryReplayMarkerStore();
    /** File stores by absolute path: two endpoints naming one file must share one store, or they overwrite each other. */
    private final Map<Path, FileReplayMarkerStore> files = new ConcurrentHashMap<>();
    // guarded by this
    private final Map<ReplayMarkerStore, Integer> users = new IdentityHashMap<>();
    // guarded by this
    private final Map<ReplayMarkerStore, Boolean> startedHere = new IdentityHashMap<>();

    /**
     * The store for a {@code replayStore} value (see {@link ReplayMarkerStores#of}), started unless it was; the
     * component's in-memory store when the value is null.
     */
    public synchronized ReplayMarkerStore acquire(Object configured, CamelContext context) {
        ReplayMarkerStore store = configured == null
                ? inMemory : ReplayMarkerStores.of(configured, context, files);
        users.merge(store, 1, Integer::sum);
        if (!startedHere.containsKey(store)) {
            boolean alreadyStarted = store instanceof StatefulService stateful && stateful.isStarted();
            if (!alreadyStarted) {
                ServiceHelper.startService(store);
            }
            startedHere.put(store, !alreadyStarted);
        }
        return store;
    }

    /** A consumer stops using the store: its markers are flushed; the store stays started for the next start. */
    public synchronized void release(ReplayMarkerStore store) {
        Integer count = users.get(store);
        if (count == null) {
            return;
        }
        if (count > 1) {
            users.put(store, count - 1);
        } else {
            users.remove(store);
        }
        store.flush();
    }

    /** The component stops: stop what this registry started. */
    public synchronized void stopAll() {
        startedHere.forEach((store, started) -> {
            if (started) {
                ServiceHelper.stopService(store);
            }
        });
        startedHere.clear();
        users.clear();
    }
}
