package io.sfstream.camel;

import io.sfstream.camel.internal.transport.ChannelKind;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The endpoint's parsed channel and marker key (the channel's own parsing: ChannelTest). */
class EndpointChannelTest {

    /**
     * Camel normalizes a percent-encoded '?' away, so the filter query has its own option; the subscription carries
     * it and the replay key stays the bare channel.
     */
    @Test
    void filterOptionBuildsTheFilteredSubscription() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            SfStreamEndpoint endpoint = context.getEndpoint(
                    "sfstream:/topic/X?filter=Name='a'&clientId=cid&clientSecret=sec&username=user&password=pw",
                    SfStreamEndpoint.class);

            assertThat(endpoint.getChannel()).isEqualTo("/topic/X?Name='a'");
            assertThat(endpoint.channel().name()).isEqualTo("/topic/X");
            assertThat(endpoint.channel().kind()).isEqualTo(ChannelKind.PUSH_TOPIC);
            assertThat(endpoint.markerKey()).isEqualTo("/topic/X");
        }
    }
}
