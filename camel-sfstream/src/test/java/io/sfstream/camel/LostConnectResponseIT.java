package io.sfstream.camel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.sfstream.emulator.Counters;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A held {@code /meta/connect} whose response already carried events is lost (the connection is cut, the server's port
 * closes): the CometD server has taken those events off the session's queue and never sends them again, while the
 * Bayeux session lives on. The consumer, in its default configuration, must not trust that session: it handshakes
 * again and resumes every channel after the last event it took, so nothing is lost and nothing is handed twice.
 */
class LostConnectResponseIT extends FaultTestSupport {

    @AfterEach
    void clearFaults() {
        emulator().faults().reset();
        emulator().endOutage();
    }

    private void defaultRoute(String routeId, String channel) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // every option at its default
                from("sfstream:" + channel).routeId(routeId).to("mock:" + routeId);
            }
        });
        awaitSubscribed(channel);
    }

    @Test
    void eventsOfACutOffConnectResponseAreReplayedThroughANewHandshake() throws Exception {
        String channel = "/event/" + uniqueName("Cut") + "__e";
        defaultRoute("r", channel);
        List<Long> published = new ArrayList<>(emulator().publish(channel, 3, 50));
        assertReceivedExactly("r", published);
        long handshakes = emulator().counters().handshakes();

        emulator().faults().cutNextEventResponses(1);
        published.addAll(emulator().publish(channel, 2, 50));
        await().atMost(Duration.ofSeconds(10)).until(() -> emulator().counters().handshakes() > handshakes);
        published.addAll(emulator().publish(channel, 3, 50));
        assertReceivedExactly("r", published);
    }

    @Test
    void eventsPublishedDuringAnOutageThatKeptTheSessionAreNotLost() throws Exception {
        String channel = "/event/" + uniqueName("Outage") + "__e";
        defaultRoute("r", channel);
        List<Long> published = new ArrayList<>(emulator().publish(channel, 3, 50));
        assertReceivedExactly("r", published);
        Counters before = emulator().counters();

        emulator().beginOutage();
        published.addAll(emulator().publish(channel, 4, 50));
        // the outage lasts until the consumer noticed it (its session left CONNECTED)
        await().atMost(Duration.ofSeconds(10)).until(() -> !"CONNECTED".equals(consumer("r").getSessionState()));
        emulator().endOutage();
        long reachable = System.nanoTime();
        published.addAll(emulator().publish(channel, 2, 50));
        assertReceivedExactly("r", published);
        assertThat(emulator().counters().handshakes()).as("a new handshake after the lost connect")
                .isGreaterThan(before.handshakes());
        assertThat(emulator().counters().logins()).as("no new login: the token is still valid")
                .isEqualTo(before.logins());
        assertThat(reachable).isPositive();
    }
}
