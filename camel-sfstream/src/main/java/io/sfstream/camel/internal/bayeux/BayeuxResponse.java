package io.sfstream.camel.internal.bayeux;

import io.sfstream.camel.internal.transport.StreamEvent;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The messages of one Bayeux response: the replies (meta messages, and any other message that is not an event) as
 * trees, and the events in the order the server sent them.
 */
public record BayeuxResponse(List<JsonNode> replies, List<StreamEvent> events) {
}
