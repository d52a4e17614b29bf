package io.sfstream.camel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Route;
import org.apache.camel.spi.annotations.DevConsole;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.support.console.AbstractDevConsole;

/**
 * The Camel dev console {@code sfstream}: per sfstream consumer the same data as its JMX attributes, as text and JSON.
 * {@code lastReceivedReplayId} and {@code lastCommittedReplayId} are -1 on the Pub/Sub API, whose positions are no
 * numbers; {@code lastReceivedPosition} and {@code lastCommittedPosition} show the positions of both APIs as text
 * (left out before the first, as every null entry is).
 */
@DevConsole(name = "sfstream", displayName = "Salesforce Streaming",
                                             description = "sfstream consumers: session state, replay progress, errors")
public class SfStreamDevConsole extends AbstractDevConsole {

    public SfStreamDevConsole() {
        super("camel", "sfstream", "Salesforce Streaming", "sfstream consumers: session state, replay progress, errors");
    }

    private List<Map<String, Object>> consumers() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Route route : getCamelContext().getRoutes()) {
            if (route.getConsumer() instanceof SfStreamConsumer c) {
                ConsumerStatus status = c.status();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("routeId", route.getRouteId());
                m.put("channel", status.channel());
                m.put("sessionState", status.state());
                m.put("stateSince", text(status.stateSince()));
                m.put("pendingCount", status.pendingCount());
                m.put("lastReceivedReplayId", status.lastReceivedReplayId());
                m.put("lastCommittedReplayId", status.lastCommittedReplayId());
                // the positions as text: the replayIds above are -1 on the Pub/Sub API
                m.put("lastReceivedPosition", status.lastReceivedPosition());
                m.put("lastCommittedPosition", status.lastCommittedPosition());
                m.put("logins", status.logins());
                m.put("handshakes", status.handshakes());
                m.put("reconnects", status.reconnects());
                m.put("connectionTimedOut", status.connectionTimedOut());
                m.put("workerId", status.workerId());
                m.put("strategy", status.strategy());
                m.put("leaseState", status.leaseState());
                m.put("leaseHolder", status.leaseHolderId());
                m.put("lastError", status.lastError());
                m.put("lastErrorSince", text(status.lastErrorAt()));
                out.add(m);
            }
        }
        return out;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> c : consumers()) {
            sb.append(c.get("routeId")).append(" ").append(c.get("channel")).append('\n');
            c.forEach((k, v) -> {
                if (!"routeId".equals(k) && !"channel".equals(k) && v != null) {
                    sb.append("    ").append(k).append(": ").append(v).append('\n');
                }
            });
        }
        return sb.toString();
    }

    @Override
    protected Map<String, Object> doCallJson(Map<String, Object> options) {
        Map<String, Object> root = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>();
        for (Map<String, Object> c : consumers()) {
            JsonObject jo = new JsonObject();
            c.forEach((k, v) -> {
                if (v != null) {
                    jo.put(k, v);
                }
            });
            list.add(jo);
        }
        root.put("consumers", list);
        return root;
    }
}
