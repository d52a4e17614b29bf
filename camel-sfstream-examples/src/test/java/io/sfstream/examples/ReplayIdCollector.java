package io.sfstream.examples;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.sfstream.camel.SfStreamConstants;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/** Records the replayId of every exchange completed, per route id, in completion order. */
final class ReplayIdCollector extends EventNotifierSupport {

    private final Map<String, List<Long>> byRoute = new ConcurrentHashMap<>();

    ReplayIdCollector() {
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreStepEvents(true);
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.ExchangeCompletedEvent completed) {
            Long id = completed.getExchange().getMessage().getHeader(SfStreamConstants.REPLAY_ID, Long.class);
            String route = completed.getExchange().getFromRouteId();
            if (id != null && route != null && completed.getExchange().getException() == null) {
                byRoute.computeIfAbsent(route, r -> new CopyOnWriteArrayList<>()).add(id);
            }
        }
    }

    List<Long> of(String routeId) {
        return List.copyOf(byRoute.getOrDefault(routeId, List.of()));
    }
}
