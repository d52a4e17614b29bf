package io.sfstream.examples;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.sfstream.camel.SfStreamConstants;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Records, per route id and in completion order, the replayId of every exchange completed (a {@code Long} on the
 * Streaming API, base64 text on the Pub/Sub API) and the {@code Name} field of its payload.
 */
final class ReplayIdCollector extends EventNotifierSupport {

    private final Map<String, List<Object>> byRoute = new ConcurrentHashMap<>();
    private final Map<String, List<String>> namesByRoute = new ConcurrentHashMap<>();

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
            Object id = completed.getExchange().getMessage().getHeader(SfStreamConstants.REPLAY_ID);
            String route = completed.getExchange().getFromRouteId();
            if (id != null && route != null && completed.getExchange().getException() == null) {
                byRoute.computeIfAbsent(route, r -> new CopyOnWriteArrayList<>()).add(id);
                if (completed.getExchange().getMessage().getBody() instanceof Map<?, ?> body
                    && body.get("payload") instanceof Map<?, ?> payload && payload.get("Name") != null) {
                    namesByRoute.computeIfAbsent(route, r -> new CopyOnWriteArrayList<>()).add(payload.get("Name").toString());
                }
            }
        }
    }

    /** The replayIds of the route's completed exchanges. */
    List<Object> of(String routeId) {
        return List.copyOf(byRoute.getOrDefault(routeId, List.of()));
    }

    /** The {@code payload.Name} of the route's completed exchanges (those that have one). */
    List<String> names(String routeId) {
        return List.copyOf(namesByRoute.getOrDefault(routeId, List.of()));
    }
}
