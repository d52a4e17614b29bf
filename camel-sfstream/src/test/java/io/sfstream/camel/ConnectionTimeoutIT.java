package io.sfstream.camel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every Bayeux request fails for longer than connectionTimeout=1s: one TransportTimeoutException per outage, the
 * statistics say timed out; once the server answers again the session recovers, the state clears, nothing is lost.
 */
class ConnectionTimeoutIT extends FaultTestSupport {

    @AfterEach
    void clearFaults() {
        emulator().faults().reset();
    }

    @Test
    void timeoutReportedOnceThenClearedOnRecovery() throws Exception {
        String channel = "/topic/" + uniqueName("Timeout");
        route("r", channel, "connectionTimeout=1s");
        List<Long> published = new ArrayList<>(emulator().publish(channel, 3, 50));
        assertReceivedExactly("r", published);
        assertThat(consumer("r").isConnectionTimedOut()).isFalse();

        emulator().faults().failNextRequests(100_000, 503);
        published.addAll(emulator().publish(channel, 5, 50));
        await().atMost(15, TimeUnit.SECONDS).until(() -> !errors.of(TransportTimeoutException.class).isEmpty());
        assertThat(consumer("r").isConnectionTimedOut()).isTrue();
        assertThat(consumer("r").getUnhealthySince()).isNotNull();
        TransportTimeoutException timeout = errors.of(TransportTimeoutException.class).get(0);
        assertThat(timeout.getMessage()).contains("connectionTimeout");
        assertThat(timeout.getTimeout()).isEqualTo(Duration.ofSeconds(1));
        // the session keeps trying: more failures are reported, but the timeout only once
        int failures = errors.of(BayeuxTransportException.class).size();
        await().atMost(15, TimeUnit.SECONDS).until(() -> errors.of(BayeuxTransportException.class).size() >= failures + 3);
        assertThat(errors.of(TransportTimeoutException.class)).hasSize(1);

        emulator().faults().reset();
        published.addAll(emulator().publish(channel, 2, 50));
        assertReceivedExactly("r", published);
        await().atMost(10, TimeUnit.SECONDS).until(() -> !consumer("r").isConnectionTimedOut());
        assertThat(consumer("r").getUnhealthySince()).isNull();
        assertThat(errors.of(TransportTimeoutException.class)).hasSize(1);
        assertThat(consumer("r").getFatalError()).isNull();
    }
}
