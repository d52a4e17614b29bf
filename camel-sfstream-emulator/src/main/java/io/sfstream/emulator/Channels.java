package io.sfstream.emulator;

import java.util.regex.Pattern;

/** Salesforce streaming channel names. */
final class Channels {

    enum Kind { TOPIC, GENERIC, PLATFORM_EVENT, CHANGE_EVENT }

    private static final String NAME = "[A-Za-z][A-Za-z0-9_]*";
    private static final Pattern TOPIC = Pattern.compile("/topic/" + NAME);
    private static final Pattern GENERIC = Pattern.compile("/u/" + NAME);
    private static final Pattern EVENT = Pattern.compile("/event/" + NAME + "__(e|chn)");
    private static final Pattern DATA = Pattern.compile("/data/(ChangeEvents|" + NAME + "ChangeEvent|" + NAME + "__chn)");

    private Channels() {
    }

    /** The channel without a PushTopic filter query: {@code /topic/X?Name='a'} becomes {@code /topic/X}. */
    static String bare(String subscription) {
        if (subscription == null) {
            return null;
        }
        int q = subscription.indexOf('?');
        return q < 0 ? subscription : subscription.substring(0, q);
    }

    /** The kind of a well-formed bare channel, or null when the name is not a Salesforce streaming channel. */
    static Kind kind(String bareChannel) {
        if (bareChannel == null) {
            return null;
        }
        if (TOPIC.matcher(bareChannel).matches()) {
            return Kind.TOPIC;
        }
        if (GENERIC.matcher(bareChannel).matches()) {
            return Kind.GENERIC;
        }
        if (EVENT.matcher(bareChannel).matches()) {
            return Kind.PLATFORM_EVENT;
        }
        if (DATA.matcher(bareChannel).matches()) {
            return Kind.CHANGE_EVENT;
        }
        return null;
    }

    /** Only PushTopic subscriptions may carry a filter query. */
    static boolean isWellFormedSubscription(String subscription) {
        String bare = bare(subscription);
        Kind kind = kind(bare);
        if (kind == null) {
            return false;
        }
        return bare.equals(subscription) || kind == Kind.TOPIC;
    }

    static Kind requireKind(String channel) {
        Kind kind = kind(channel);
        if (kind == null) {
            throw new IllegalArgumentException("Not a Salesforce streaming channel: " + channel
                + " (expected /topic/X, /u/X, /event/X__e, /event/X__chn, /data/ChangeEvents or /data/XChangeEvent)");
        }
        return kind;
    }
}
