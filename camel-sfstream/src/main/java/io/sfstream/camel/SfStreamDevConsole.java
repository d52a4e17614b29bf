package io.sfstream.camel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Route;
import org.apache.camel.support.console.AbstractDevConsole;

/**
 * The Camel dev console {@code sfstream}: per sfstream consumer the same data as its JMX attributes, as text and JSON.
 */
@org.apache.camel.spi.annotations.DevConsole(name = "sfstream", displayName = "Salesforce Streaming",
                                             description = "sfstream consumers: session state, replay progress, errors")
public class SfStreamDevConsole extends AbstractDevConsole {

    public SfStreamDevConsole() {
        super("camel", "sfstream", "Salesforce Streaming", "sfstream consumers: session state, replay progress, errors");
    }

    private List<Map<String, Object>> consumers() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Route route : getCamelContext().getRoutes()) {
            if (route.getConsumer() instanceof SfStreamConsumer c) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("routeId", route.getRouteId());
                m.put("channel", c.getChannel());
                m.put("sessionState", c.getSessionState());
                m.put("stateSince", c.getStateSince());
                m.put("pendingCount", c.getPendingCount());
                m.put("lastReceivedReplayId", c.getLastReceivedReplayId());
                m.put("lastCommittedReplayId", c.getLastCommittedReplayId());
                m.put("logins", c.getLogins());
                m.put("handshakes", c.getHandshakes());
                m.put("reconnects", c.getReconnects());
                m.put("connectionTimedOut", c.isConnectionTimedOut());
                m.put("workerId", c.getWorkerId());
                m.put("strategy", c.getStrategy());
                m.put("leaseState", c.getLeaseState());
                m.put("leaseHolder", c.getLeaseHolder());
                m.put("lastError", c.getLastError());
                m.put("lastErrorSince", c.getLastErrorSince());
                out.add(m);
            }
        }
        return out;
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
            org.apache.camel.util.json.JsonObject jo = new org.apache.camel.util.json.JsonObject();
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
