package io.sfstream.camel;

import java.util.List;
import java.util.Map;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.console.DevConsole;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The sfstream dev console answers in text and JSON with the consumers' data. */
class DevConsoleIT extends EmulatorTestSupport {

    @Test
    @SuppressWarnings("unchecked")
    void answersTextAndJson() throws Exception {
        String channel = "/topic/" + uniqueName("Console");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS").routeId("console").to("mock:console");
            }
        });
        getMockEndpoint("mock:console").expectedMessageCount(2);
        emulator().publish(channel, 2, 50);
        getMockEndpoint("mock:console").assertIsSatisfied(20_000);
        SfStreamDevConsole console = new SfStreamDevConsole();
        console.setCamelContext(context);
        String text = (String) console.call(DevConsole.MediaType.TEXT);
        assertThat(text).contains("console " + channel).contains("sessionState: ").contains("lastReceivedReplayId: ")
            .contains("lastReceivedPosition: ");
        Map<String, Object> json = (Map<String, Object>) console.call(DevConsole.MediaType.JSON);
        List<Map<String, Object>> consumers = (List<Map<String, Object>>) json.get("consumers");
        assertThat(consumers).hasSize(1);
        assertThat(consumers.get(0)).containsEntry("channel", channel).containsKey("lastCommittedReplayId")
            .containsKey("lastReceivedPosition");
    }
}
