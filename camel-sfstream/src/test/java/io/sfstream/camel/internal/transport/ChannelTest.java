package io.sfstream.camel.internal.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChannelTest {

    private static void assertChannel(String path, String name, ChannelKind kind) {
        Channel channel = Channel.parse(path);
        assertThat(channel.subscription()).isEqualTo(path);
        assertThat(channel.name()).isEqualTo(name);
        assertThat(channel.kind()).isEqualTo(kind);
        assertThat(channel.toString()).isEqualTo(path);
    }

    @Test
    void pushTopic() {
        assertChannel("/topic/Orders", "/topic/Orders", ChannelKind.PUSH_TOPIC);
        assertChannel("/topic/Account_Updates2", "/topic/Account_Updates2", ChannelKind.PUSH_TOPIC);
    }

    @Test
    void pushTopicWithFilterKeepsTheFilterInTheSubscriptionAndDropsItFromTheName() {
        assertChannel("/topic/X?Name='a'", "/topic/X", ChannelKind.PUSH_TOPIC);
        assertChannel("/topic/X?Name='a'&Type='b'", "/topic/X", ChannelKind.PUSH_TOPIC);
    }

    @Test
    void generic() {
        assertChannel("/u/X", "/u/X", ChannelKind.GENERIC);
        assertChannel("/u/TestStreaming", "/u/TestStreaming", ChannelKind.GENERIC);
    }

    @Test
    void platformEventsAndCustomChannels() {
        assertChannel("/event/X__e", "/event/X__e", ChannelKind.PLATFORM_EVENT);
        assertChannel("/event/Low_Ink__e", "/event/Low_Ink__e", ChannelKind.PLATFORM_EVENT);
        assertChannel("/event/X__chn", "/event/X__chn", ChannelKind.PLATFORM_EVENT);
    }

    @Test
    void changeDataCapture() {
        assertChannel("/data/ChangeEvents", "/data/ChangeEvents", ChannelKind.CHANGE_EVENT);
        assertChannel("/data/AccountChangeEvent", "/data/AccountChangeEvent", ChannelKind.CHANGE_EVENT);
        assertChannel("/data/My_Obj__ChangeEvent", "/data/My_Obj__ChangeEvent", ChannelKind.CHANGE_EVENT);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/foo/bar", "/topic/", "/topic", "topic/X", "/topic/X/Y", "/topic/1X", "/Topic/X",
            "/u/", "/event/Foo", "/event/Foo__x", "/event/__e", "/data/Account", "/data/changeevents",
            "/data/ChangeEvent", "/meta/handshake", "/topic/X Y" })
    void invalidFormsAreRefusedNamingThePath(String path) {
        assertThatThrownBy(() -> Channel.parse(path))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + path + "'")
                .hasMessageContaining("/topic/Name");
    }

    @ParameterizedTest
    @ValueSource(strings = { "/u/X?Name='a'", "/event/X__e?Name='a'", "/data/ChangeEvents?Name='a'", "/topic/X?",
            "/topic/X? " })
    void aFilterQueryOnlyFitsANonEmptyPushTopicFilter(String path) {
        assertThatThrownBy(() -> Channel.parse(path))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PushTopic");
    }

    @Test
    void blankOrMissingPathIsRefused() {
        assertThatThrownBy(() -> Channel.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channel path");
        assertThatThrownBy(() -> Channel.parse("  ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channel path");
    }
}
