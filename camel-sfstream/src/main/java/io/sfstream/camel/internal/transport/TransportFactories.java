package io.sfstream.camel.internal.transport;

import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The transports of one component for the APIs served by {@link TransportFactory} plugins, each created at its first
 * use. Thread-safe.
 */
public final class TransportFactories {

    private final ClassLoader loader;
    // guarded by this
    private final Map<String, TransportFactory.Transports> created = new HashMap<>();

    public TransportFactories(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * The component's transports of {@code api}.
     *
     * @throws IllegalArgumentException naming the artifact to add when no plugin on the classpath serves the api
     */
    public synchronized TransportFactory.Transports of(String api, String artifact) {
        TransportFactory.Transports transports = created.get(api);
        if (transports == null) {
            transports = find(api, artifact).create();
            created.put(api, transports);
        }
        return transports;
    }

    /** Fails unless a plugin serving {@code api} is on the classpath: endpoints check it at creation. */
    public void check(String api, String artifact) {
        find(api, artifact);
    }

    private TransportFactory find(String api, String artifact) {
        for (TransportFactory factory : ServiceLoader.load(TransportFactory.class, loader)) {
            if (api.equals(factory.api())) {
                return factory;
            }
        }
        throw new IllegalArgumentException("api=" + api + " needs the " + artifact + " artifact on the classpath (it"
                                           + " holds the " + api + " transport and its dependencies); none was found");
    }

    /** Closes every transport created; a later use creates them again. */
    public synchronized void closeAll() {
        created.values().forEach(TransportFactory.Transports::close);
        created.clear();
    }
}
