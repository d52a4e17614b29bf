package io.sfstream.camel.internal.bayeux;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Bayeux messages a session sends, numbered in the order it builds them, and the reading of Salesforce's replies:
 * the wire format in one place, so that the session deals in decisions only.
 * <p>
 * Not thread-safe: used on the session's thread.
 */
final class BayeuxMessages {

    /** The advice the session follows until the server gives its own. */
    static final long DEFAULT_ADVICE_TIMEOUT_MS = 110_000;

    private final ObjectMapper json;
    private long messageId;

    BayeuxMessages(ObjectMapper json) {
        this.json = json;
    }

    /** A handshake asking for long polling and the replay extension. */
    ObjectNode handshake() {
        ObjectNode handshake = json.createObjectNode()
                .put("channel", "/meta/handshake")
                .put("version", "1.0")
                .put("minimumVersion", "1.0")
                .put("id", nextId());
        handshake.putArray("supportedConnectionTypes").add("long-polling");
        handshake.putObject("ext").put("replay", true);
        return handshake;
    }

    /**
     * A connect; the first one of a handshake asks to be answered at once, with the advice that governs the following
     * ones.
     */
    ObjectNode connect(String clientId, boolean first) {
        ObjectNode connect = message("/meta/connect", clientId).put("connectionType", "long-polling");
        if (first) {
            connect.putObject("advice").put("timeout", 0);
        }
        return connect;
    }

    /** A subscribe with the replay extension: -1 new events, -2 all retained, else after that replayId. */
    ObjectNode subscribe(String clientId, String subscription, String channelName, long replayFrom) {
        ObjectNode subscribe = message("/meta/subscribe", clientId).put("subscription", subscription);
        subscribe.putObject("ext").putObject("replay").put(channelName, replayFrom);
        return subscribe;
    }

    ObjectNode unsubscribe(String clientId, String subscription) {
        return message("/meta/unsubscribe", clientId).put("subscription", subscription);
    }

    ObjectNode disconnect(String clientId) {
        return message("/meta/disconnect", clientId);
    }

    private ObjectNode message(String channel, String clientId) {
        ObjectNode message = json.createObjectNode().put("channel", channel).put("id", nextId());
        if (clientId != null) {
            message.put("clientId", clientId);
        }
        return message;
    }

    private String nextId() {
        return String.valueOf(++messageId);
    }

    // ------------------------------------------------------------------ replies

    /** The reply on {@code metaChannel} among an answer's replies, or null. */
    static JsonNode replyTo(List<JsonNode> replies, String metaChannel) {
        for (JsonNode reply : replies) {
            if (metaChannel.equals(reply.path("channel").asText())) {
                return reply;
            }
        }
        return null;
    }

    static boolean isSuccessful(JsonNode reply) {
        return reply != null && reply.path("successful").asBoolean(false);
    }

    /** The {@code advice.reconnect} of a reply, or empty. */
    static String reconnectAdvice(JsonNode reply) {
        return reply.path("advice").path("reconnect").asText("");
    }

    /** Salesforce puts the reason in {@code error}, {@code ext.sfdc.failureReason} or both. */
    static String errorOf(JsonNode reply) {
        String error = reply.path("error").asText("");
        String failureReason = reply.path("ext").path("sfdc").path("failureReason").asText("");
        if (failureReason.isEmpty()) {
            return error.isEmpty() ? "unknown error" : error;
        }
        return error.isEmpty() ? failureReason : error + " (failureReason " + failureReason + ")";
    }

    /** Org-wide limits (concurrent clients, daily events): retrying soon cannot help. */
    static boolean isLimit(String error) {
        String lower = error.toLowerCase(Locale.ROOT);
        return lower.contains("concurrent user limit") || lower.contains("limit exceeded");
    }

    /** Salesforce's text varies in spacing and wording: match the parts that identify it. */
    static boolean isInvalidReplayId(String error) {
        String lower = error.toLowerCase(Locale.ROOT);
        return lower.contains("replayid") && (lower.contains("invalid") || lower.contains("wasn't found"));
    }

    /**
     * The server's advice as the session follows it: how long to wait between connects and how long the server may
     * hold one.
     *
     * @param intervalMs the pause before the next connect
     * @param timeoutMs  how long the server may hold a connect
     */
    record Advice(long intervalMs, long timeoutMs) {

        static final Advice DEFAULT = new Advice(0, DEFAULT_ADVICE_TIMEOUT_MS);

        /** This advice updated with what {@code reply} advises; absent or unusable fields keep their value. */
        Advice updatedBy(JsonNode reply) {
            JsonNode advice = reply == null ? null : reply.get("advice");
            if (advice == null || !advice.isObject()) {
                return this;
            }
            long interval = advice.has("interval") ? Math.max(0, advice.get("interval").asLong(0)) : intervalMs;
            long timeout = advice.has("timeout") && advice.get("timeout").asLong(0) > 0
                    ? advice.get("timeout").asLong() : timeoutMs;
            return new Advice(interval, timeout);
        }
    }
}
