package io.sfstream.camel.internal.transport;

import java.util.regex.Pattern;

/**
 * A Salesforce streaming channel as the endpoint path names it.
 *
 * @param subscription the channel sent in {@code /meta/subscribe}, with a PushTopic filter query if any
 * @param name         the bare channel: the key of the replay map and of stored replay markers
 * @param kind         the kind of channel, which decides the event shape
 */
public record Channel(String subscription, String name, ChannelKind kind) {

    private static final String NAME = "[A-Za-z][A-Za-z0-9_]*";
    private static final Pattern PUSH_TOPIC = Pattern.compile("/topic/" + NAME);
    private static final Pattern GENERIC = Pattern.compile("/u/" + NAME);
    private static final Pattern PLATFORM_EVENT = Pattern.compile("/event/" + NAME + "__(e|chn)");
    private static final Pattern CHANGE_EVENT = Pattern.compile("/data/(ChangeEvents|" + NAME + "ChangeEvent)");

    static final String FORMS = "/topic/Name, /topic/Name?Field='value', /u/Name, /event/Name__e, /event/Name__chn, "
                                + "/data/ChangeEvents or /data/NameChangeEvent";

    /**
     * Parses a channel as Salesforce names it. A PushTopic filter query may follow {@code ?} when the text comes from
     * Java code; endpoint URIs give it with the {@code filter} option instead, because Camel reads {@code ?} as the
     * start of the endpoint options (and drops a percent-encoded one while normalizing the URI).
     */
    public static Channel parse(String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("The sfstream endpoint needs a channel path, one of: " + FORMS);
        }
        String trimmed = path.strip();
        int query = trimmed.indexOf('?');
        String bare = query < 0 ? trimmed : trimmed.substring(0, query);
        String filter = query < 0 ? "" : trimmed.substring(query + 1);
        ChannelKind kind = kindOf(bare);
        if (kind == null) {
            throw new IllegalArgumentException(
                    "Invalid sfstream channel '" + path + "': expected one of " + FORMS + " (names are case-sensitive)");
        }
        if (query >= 0 && (kind != ChannelKind.PUSH_TOPIC || filter.isBlank())) {
            throw new IllegalArgumentException("Invalid sfstream channel '" + path
                                               + "': only a PushTopic channel (/topic/Name) takes a filter query after '?'");
        }
        return new Channel(trimmed, bare, kind);
    }

    /** This channel with a PushTopic filter query: subscribed as {@code /topic/Name?filter}, keyed {@code /topic/Name}. */
    public Channel withFilter(String filter) {
        if (filter == null || filter.isBlank()) {
            return this;
        }
        if (kind != ChannelKind.PUSH_TOPIC) {
            throw new IllegalArgumentException("Invalid filter '" + filter + "' for channel " + name
                                               + ": only a PushTopic channel (/topic/Name) takes a filter query");
        }
        String query = filter.strip();
        return new Channel(name + "?" + (query.startsWith("?") ? query.substring(1) : query), name, kind);
    }

    private static ChannelKind kindOf(String bare) {
        if (PUSH_TOPIC.matcher(bare).matches()) {
            return ChannelKind.PUSH_TOPIC;
        }
        if (GENERIC.matcher(bare).matches()) {
            return ChannelKind.GENERIC;
        }
        if (PLATFORM_EVENT.matcher(bare).matches()) {
            return ChannelKind.PLATFORM_EVENT;
        }
        if (CHANGE_EVENT.matcher(bare).matches()) {
            return ChannelKind.CHANGE_EVENT;
        }
        return null;
    }

    @Override
    public String toString() {
        return subscription;
    }
}
