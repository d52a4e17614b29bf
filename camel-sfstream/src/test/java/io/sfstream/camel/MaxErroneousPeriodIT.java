package io.sfstream.camel;

import io.sfstream.camel.internal.bayeux.SessionState;
import io.sfstream.camel.internal.bayeux.BayeuxSession;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.sfstream.emulator.Counters;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Permanent failures for longer than maxErroneousPeriod=2s: the session stops for good with a fatal error naming the
 * option, sends no further request (the counters stop moving even once the server would answer), the route stays
 * started but delivers nothing; restarting the route starts over and delivers what was published meanwhile.
 */
class MaxErroneousPeriodIT extends FaultTestSupport {

    @AfterEach
    void clearFaults() {
        emulator().faults().reset();
    }

    @Test
    void stopsForGoodAfterMaxErroneousPeriod() throws Exception {
        String channel = "/topic/" + uniqueName("Erroneous");
        route("r", channel, "connectionTimeout=500ms&maxErroneousPeriod=2s");
        List<Long> first = emulator().publish(channel, 2, 50);
        assertReceivedExactly("r", first);

        emulator().faults().failNextRequests(100_000, 503);
        await().atMost(20, TimeUnit.SECONDS).until(() -> consumer("r").getFatalError() != null);
        SfStreamException fatal = consumer("r").getFatalError();
        assertThat(fatal.getMessage()).contains("maxErroneousPeriod").contains("PT2S");
        assertThat(errors.errors).contains(fatal);
        assertThat(errors.of(TransportTimeoutException.class)).hasSize(1);
        BayeuxSession session = context.getComponent("sfstream", SfStreamComponent.class).sessions().sessions().get(0);
        assertThat(session.statistics().sessionState()).isEqualTo(SessionState.FAILED);
        assertThat(session.statistics().fatalError()).contains("maxErroneousPeriod");

        // the server answers again, but the failed session sends nothing more
        emulator().faults().reset();
        Counters stopped = emulator().counters();
        emulator().publish(channel, 3, 50);
        await().during(1500, TimeUnit.MILLISECONDS).atMost(3, TimeUnit.SECONDS).until(() -> {
            Counters now = emulator().counters();
            return now.handshakes() == stopped.handshakes() && now.logins() == stopped.logins();
        });
        assertThat(context.getRouteController().getRouteStatus("r")).isEqualTo(ServiceStatus.Started);
        assertThat(getMockEndpoint("mock:r").getReceivedCounter()).isEqualTo(2);
        int reported = errors.errors.size();

        // a restart starts over after the committed marker
        context.getRouteController().stopRoute("r");
        context.getRouteController().startRoute("r");
        await().atMost(20, TimeUnit.SECONDS).until(() -> getMockEndpoint("mock:r").getReceivedCounter() == 5);
        assertThat(consumer("r").getFatalError()).isNull();
        assertThat(errors.errors).hasSize(reported);
    }
}
